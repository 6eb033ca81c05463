using System.Collections.Immutable;

namespace Checker.Model.Import;

/// <summary>One device's group in the model and on the real machine (null: in no group there).</summary>
public sealed record DeviceGroups(string Device, int? Model, int? Real, bool Differs, string Why);

/// <summary>
/// The model's IOMMU groups against the real ones. The partitions must agree (the same devices
/// share a group); with COMPAREIDS the group ids must agree too, which they should: the model
/// hands out ids the way the kernel's ida does.
/// </summary>
public sealed record GroupComparison(ImmutableArray<DeviceGroups> Devices)
{
    public bool Agree => Devices.All(d => !d.Differs);

    public static GroupComparison Compare(
        IReadOnlyDictionary<int, ImmutableArray<string>> model, IReadOnlyDictionary<int, ImmutableArray<string>> real, bool compareIds)
    {
        var modelOf = GroupOf(model);
        var realOf = GroupOf(real);
        var rows = ImmutableArray.CreateBuilder<DeviceGroups>();
        foreach (var dev in modelOf.Keys.Concat(realOf.Keys).Distinct().OrderBy(d => d, StringComparer.Ordinal))
        {
            int? m = modelOf.TryGetValue(dev, out var mi) ? mi : null;
            int? r = realOf.TryGetValue(dev, out var ri) ? ri : null;
            string why = (m, r) switch
            {
                (null, _) => "not grouped by the model",
                (_, null) => "not in any group on the real machine",
                _ when !model[m.Value].ToHashSet().SetEquals(real[r.Value]) => "shares its group with other devices: "
                    + $"model {{{string.Join(" ", model[m.Value])}}}, real {{{string.Join(" ", real[r.Value])}}}",
                _ when compareIds && m != r => "same members, different group id",
                _ => "",
            };
            rows.Add(new DeviceGroups(dev, m, r, why.Length > 0, why));
        }
        return new GroupComparison(rows.ToImmutable());
    }

    private static Dictionary<string, int> GroupOf(IReadOnlyDictionary<int, ImmutableArray<string>> groups)
    {
        var result = new Dictionary<string, int>();
        foreach (var (id, members) in groups)
            foreach (var m in members)
                result[m] = id;
        return result;
    }
}
