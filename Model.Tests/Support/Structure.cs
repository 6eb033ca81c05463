using System.Collections;
using System.Collections.Immutable;
using System.Globalization;
using System.Reflection;
using System.Text;

namespace Checker.Model.Tests.Support;

/// <summary>
/// A structural text form of an immutable object graph: collections item by item, objects property
/// by property. Records compare ImmutableArray members by reference, so two worlds built apart with
/// the same content are not Equals; their dumps are equal.
/// </summary>
public static class Structure
{
    public static string Dump(object? value)
    {
        var sb = new StringBuilder();
        Append(sb, value);
        return sb.ToString();
    }

    private static void Append(StringBuilder sb, object? value)
    {
        switch (value)
        {
            case null:
                sb.Append("null");
                return;
            case string s:
                sb.Append('"').Append(s).Append('"');
                return;
            case Enum or IFormattable or bool:
                sb.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
                return;
            case IEnumerable items:
                if (IsDefaultImmutableArray(value))
                {
                    sb.Append("default");
                    return;
                }
                sb.Append('[');
                foreach (var item in items)
                {
                    Append(sb, item);
                    sb.Append(',');
                }
                sb.Append(']');
                return;
        }
        var type = value.GetType();
        sb.Append(type.Name).Append('{');
        foreach (var p in type.GetProperties(BindingFlags.Instance | BindingFlags.Public).Where(p => p.GetIndexParameters().Length == 0))
        {
            sb.Append(p.Name).Append('=');
            Append(sb, p.GetValue(value));
            sb.Append(';');
        }
        foreach (var f in type.GetFields(BindingFlags.Instance | BindingFlags.Public))
        {
            sb.Append(f.Name).Append('=');
            Append(sb, f.GetValue(value));
            sb.Append(';');
        }
        sb.Append('}');
    }

    private static bool IsDefaultImmutableArray(object value) =>
        value.GetType() is { IsGenericType: true } t && t.GetGenericTypeDefinition() == typeof(ImmutableArray<>)
        && (bool)t.GetProperty(nameof(ImmutableArray<int>.IsDefault))!.GetValue(value)!;
}
