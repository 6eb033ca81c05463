using System.Collections;
using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.CompilerServices;
using Checker.Model.Semantics;
using Checker.Model.State;
using Checker.Model.Tests.Support;
using Checker.Properties.Exploration;

namespace Checker.Model.Tests.State;

/// <summary>
/// The Model is immutable (STYLE.md, "Model: immutable and boring"): no settable property, no
/// writable field, no mutable collection in state; and Step never changes the world it is given.
/// </summary>
public class ImmutabilityTests
{
    private const BindingFlags Declared =
        BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;

    private static readonly string[] StateNamespaces = ["Checker.Model.State", "Checker.Model.Events"];

    /// <summary>Every type written in Model: not the compiler's closures, iterators and helpers, not enums (value__).</summary>
    private static IEnumerable<Type> ModelTypes() =>
        typeof(World).Assembly.GetTypes().Where(t => !t.IsEnum && !IsCompilerGenerated(t));

    private static bool IsCompilerGenerated(Type t)
    {
        for (Type? x = t; x is not null; x = x.DeclaringType)
            if (x.IsDefined(typeof(CompilerGeneratedAttribute), false) || x.Name.Contains('<'))
                return true;
        return false;
    }

    /// <summary>A record's `init` accessor carries the modreq(IsExternalInit) on its return value.</summary>
    private static bool IsInitOnly(MethodInfo setter) =>
        setter.ReturnParameter.GetRequiredCustomModifiers().Contains(typeof(IsExternalInit));

    /// <summary>Properties with a setter anyone but the type itself can call, other than `init`.</summary>
    private static IEnumerable<string> SettableProperties(Type t) =>
        from p in t.GetProperties(Declared)
        let setter = p.GetSetMethod(nonPublic: true)
        where setter is not null && !setter.IsPrivate && !IsInitOnly(setter)
        select $"{t.FullName}.{p.Name} has a setter";

    /// <summary>Instance fields that are not readonly, unless they are a marked derived cache.</summary>
    private static IEnumerable<string> WritableFields(Type t) =>
        from f in t.GetFields(Declared)
        where !f.IsStatic && !f.IsInitOnly && !f.IsDefined(typeof(DerivedCacheAttribute), false)
        select $"{t.FullName}.{f.Name} is not readonly";

    /// <summary>Instance fields and properties whose type is, or holds, a mutable collection.</summary>
    private static IEnumerable<string> MutableCollections(Type t) =>
        t.GetFields(Declared).Where(f => !f.IsStatic).Select(f => (f.Name, Type: f.FieldType))
            .Concat(t.GetProperties(Declared).Where(p => !(p.GetMethod?.IsStatic ?? false)).Select(p => (p.Name, Type: p.PropertyType)))
            .Where(m => IsMutableCollection(m.Type))
            .Select(m => $"{t.FullName}.{m.Name} is a {m.Type.Name}");

    /// <summary>
    /// Arrays and anything that is an ICollection (List, Dictionary, HashSet, Queue, ...), outside the
    /// immutable and frozen namespaces; also immutable collections of mutable ones.
    /// </summary>
    private static bool IsMutableCollection(Type t)
    {
        if (t.IsArray)
            return true;
        if (t.IsGenericType && t.GetGenericArguments().Any(IsMutableCollection))
            return true;
        if (t.Namespace is "System.Collections.Immutable" or "System.Collections.Frozen" || t == typeof(string))
            return false;
        return t.GetInterfaces().Append(t).Any(i => i == typeof(ICollection)
            || (i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ICollection<>)));
    }

    [Fact]
    public void No_Model_type_has_a_settable_property()
    {
        Assert.Empty(ModelTypes().SelectMany(SettableProperties));
    }

    [Fact]
    public void No_Model_type_has_a_writable_instance_field_except_derived_caches()
    {
        Assert.Empty(ModelTypes().SelectMany(WritableFields));
    }

    [Fact]
    public void No_state_or_event_type_holds_a_mutable_collection()
    {
        var types = ModelTypes().Where(t => StateNamespaces.Contains(t.Namespace)).ToList();
        Assert.Contains(typeof(World), types);
        Assert.Contains(typeof(Events.AddDevice), types);
        Assert.Empty(types.SelectMany(MutableCollections));
    }

    [Fact]
    public void Static_fields_of_Model_are_readonly()
    {
        // Not state, but a writable static would be state shared by every world.
        var writable = from t in ModelTypes()
                       from f in t.GetFields(Declared)
                       where f.IsStatic && !f.IsInitOnly && !f.IsLiteral
                       select $"{t.FullName}.{f.Name}";
        Assert.Empty(writable);
    }

    [Fact]
    public void MachineIndex_is_derived_and_read_only()
    {
        Assert.All(typeof(MachineIndex).GetProperties(Declared), p => Assert.Null(p.GetSetMethod(nonPublic: true)));
        var cache = typeof(Machine).GetFields(Declared).Single(f => f.FieldType == typeof(MachineIndex));
        Assert.True(cache.IsDefined(typeof(DerivedCacheAttribute), false));
    }

    // The rules themselves, on types made to break them: a rule that finds nothing proves nothing.
    private sealed class Settable { public int Value { get; set; } internal int Other { get; set; } public int Private { get; private set; } }
    private sealed record InitOnly(int Value) { public int Extra { get; init; } }
    private sealed class Writable { public int Value = 1; [DerivedCache] private int _cache; public int Cache => _cache += Value; }
    private sealed class Collections
    {
        public List<int> List { get; } = [];
        public readonly int[] Array = [];
        public readonly Dictionary<int, int> Dictionary = [];
        public Queue<int> Queue { get; } = new();
        public IList<int> Interface { get; } = [];
        public ImmutableArray<int[]> Nested { get; } = [];
        public ImmutableArray<int> Immutable { get; } = [];
        public IReadOnlyList<int> ReadOnly { get; } = [];
        public string Text { get; } = "";
    }

    [Fact]
    public void The_rules_catch_what_they_are_meant_to_catch()
    {
        Assert.Equal(2, SettableProperties(typeof(Settable)).Count());
        Assert.Empty(SettableProperties(typeof(InitOnly)));
        Assert.Equal([$"{typeof(Writable).FullName}.Value is not readonly"], WritableFields(typeof(Writable)));
        var collections = MutableCollections(typeof(Collections)).Select(s => s.Split(" ")[0].Split(".")[^1]);
        Assert.Equal(["<Interface>k__BackingField", "<List>k__BackingField", "<Nested>k__BackingField", "<Queue>k__BackingField",
            "Array", "Dictionary", "Interface", "List", "Nested", "Queue"], collections.Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Step_does_not_change_the_world_it_is_given()
    {
        var m = D05.Builtin();
        var w = Kernel.Boot(m);
        int steps = 0;
        foreach (var e in Runner.ScriptEvents(m))
        {
            var before = Steps.Snapshot(w);
            int logCount = w.Log.Count;
            var next = Kernel.Step(w, e.Event, e.AtMicros);
            Assert.Empty(Steps.Differences(before, Steps.Snapshot(w)));
            Assert.Equal(logCount, w.Log.Count);
            Assert.NotSame(w, next);
            Assert.True(next.Clock > w.Clock);
            w = next;
            steps++;
        }
        Assert.True(steps > 20);
    }

    [Fact]
    public void Step_gives_equal_worlds_for_the_same_world_and_event()
    {
        var m = D05.Builtin();
        var w = Kernel.Boot(m);
        foreach (var e in Runner.ScriptEvents(m))
        {
            var a = Kernel.Step(w, e.Event, e.AtMicros);
            var b = Kernel.Step(w, e.Event, e.AtMicros);
            Assert.Empty(Steps.Differences(Steps.Snapshot(a), Steps.Snapshot(b)));
            w = a;
        }
    }
}
