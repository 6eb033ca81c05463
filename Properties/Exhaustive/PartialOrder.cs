using Checker.Model.Events;
using Checker.Model.State;
using Checker.Properties.Generation;

namespace Checker.Properties.Exhaustive;

/// <summary>
/// The partial-order reduction of `explore --por` (BFS only; docs/explore.md): within a run of
/// consecutive fault injections, which each write one pending flag and commute with each other,
/// only increasing <see cref="Key"/>s are tried. A state's bound is one past the key of the
/// injection that led to it, 0 after any other event.
/// </summary>
public static class PartialOrder
{
    /// <summary>The fixed order of the injections (one key per pending flag and errno), -1 for any other event.</summary>
    public static int Key(Machine m, Event e) => e switch
    {
        FailNextProbe f => f.Device * 5 + Math.Max(0, EventGen.ProbeErrnos.IndexOf(f.Errno)),
        FailNextAttach f => f.Device * 5 + 3,
        FailDomainAlloc f => m.Devices.Length * 5 + f.Iommu,
        _ => -1,
    };

    /// <summary>The bound of the state E leads to.</summary>
    public static int BoundAfter(Machine m, Event e) => Key(m, e) + 1;

    /// <summary>Whether E may be taken from a state with BOUND.</summary>
    public static bool Allowed(Machine m, Event e, int bound) => bound == 0 || Key(m, e) is var k && (k < 0 || k >= bound);
}
