using System.Collections.Immutable;
using Checker.Model.Scenario;
using Checker.Model.State;
using Checker.Model.Tests.Support;
using Checker.Model.Topology;
using Checker.Shrinkers;

namespace Checker.Model.Tests.State;

/// <summary>
/// A machine the shrinker prunes derives its index and canonical partition from its parent's
/// (MachineIndex.Pruned, CanonicalPartition.Pruned): on random chains of prunings of every
/// bundled scenario, the hand-built PCI trees and a 200-device bench machine, each derived fact
/// is the one a fresh index and partition of the same machine compute.
/// </summary>
public class MachineIndexDerivationTests
{
    /// <summary>
    /// Three isolated functions, each a quirk DMA alias of the one before: one component, through
    /// the middle one. Without it the other two are apart, though neither search's top nor its
    /// walk changed: the search from a top whose bus lost a device must be made again.
    /// </summary>
    private static readonly PciTopology AliasChain = new("DMA alias chain of three ACS functions below an ACS root port",
    [
        new("0000:00:00.0", PcieType.RootPort, Acs: AcsFlags.Required),
        new("0000:01:00.0", PcieType.Endpoint, "0000:00:00.0", Multifunction: true, Acs: AcsFlags.Required),
        new("0000:01:00.1", PcieType.Endpoint, "0000:00:00.0", Multifunction: true, Acs: AcsFlags.Required, AliasOf: ["0000:01:00.0"]),
        new("0000:01:00.2", PcieType.Endpoint, "0000:00:00.0", Multifunction: true, Acs: AcsFlags.Required, AliasOf: ["0000:01:00.1"]),
    ]);

    public static IEnumerable<object[]> Machines() =>
        ScenarioFiles.All().Select(s => new object[] { s })
            .Concat(PciTopologies.All.Append(AliasChain).Select(t => new object[] { "topology:" + t.Name }))
            .Append(["big-200"]);

    private static Machine Load(string name)
    {
        if (name.StartsWith("topology:", StringComparison.Ordinal))
            return PciTopologies.All.Append(AliasChain).Single(t => "topology:" + t.Name == name).Builder().Build();
        if (name == "big-200")
        {
            var path = System.IO.Path.Combine(ScenarioFiles.RepoRoot, "Model.Tests", "Fixtures", "big", "big-200.yaml");
            return ScenarioLoader.Load("Model.Tests/Fixtures/big/big-200.yaml", File.ReadAllText(path));
        }
        return ScenarioFiles.Load(name);
    }

    /// <summary>Reads every derived fact of M's index and its partition, so that a pruning has them all to carry over.</summary>
    private static void Derive(Machine m)
    {
        _ = m.Index.PciWalk;
        _ = m.Index.AcsQuirks;
        _ = m.Index.InitialDevices;
        _ = m.Index.BusMembers;
        _ = m.Index.DmaAliases;
        _ = CanonicalPartition.For(m);
    }

    private static string Lists(ImmutableArray<ImmutableArray<int>> lists) => string.Join(" | ", lists.Select(l => string.Join(",", l)));

    private static void AssertSameAsFresh(Machine derived, string what)
    {
        var fresh = derived with { };
        Assert.NotSame(derived.Index, fresh.Index);
        Assert.True(derived.Devices.Length == fresh.Devices.Length, what);
        Assert.Equal(Lists(fresh.Index.Children), Lists(derived.Index.Children));
        Assert.Equal(Lists(fresh.Index.VirtualFunctions), Lists(derived.Index.VirtualFunctions));
        Assert.Equal(Lists(fresh.Index.DriversMatching), Lists(derived.Index.DriversMatching));
        Assert.Equal(string.Join(",", fresh.Index.InstanceOfDevice), string.Join(",", derived.Index.InstanceOfDevice));
        Assert.Equal(fresh.Index.BuiltinOrder.ToArray(), derived.Index.BuiltinOrder.ToArray());
        Assert.Equal(Lists(fresh.Index.PciWalk), Lists(derived.Index.PciWalk));
        Assert.Equal(fresh.Index.AcsQuirks.ToArray(), derived.Index.AcsQuirks.ToArray());
        Assert.Equal(fresh.Index.InitialDevices.ToArray(), derived.Index.InitialDevices.ToArray());
        Assert.Equal(Lists(fresh.Index.BusMembers), Lists(derived.Index.BusMembers));
        Assert.Equal(fresh.Index.BusPosition.ToArray(), derived.Index.BusPosition.ToArray());
        Assert.Equal(Lists(fresh.Index.DmaAliases), Lists(derived.Index.DmaAliases));
        Assert.Equal(CanonicalPartition.For(fresh).ComponentOf.ToArray(), CanonicalPartition.For(derived).ComponentOf.ToArray());
    }

    [Theory]
    [MemberData(nameof(Machines))]
    public void Derived_index_and_partition_equal_fresh_ones_on_random_prunings(string name)
    {
        var start = Load(name);
        var random = new Random(name.Aggregate(17, (h, ch) => unchecked(h * 31 + ch)));
        for (int chain = 0; chain < 12; chain++)
        {
            var c = new Candidate(start, []);
            // Every other chain starts from a machine that has derived nothing, so that its first
            // pruning computes afresh what the rest derive.
            if (chain % 2 == 0)
                Derive(c.Machine);
            for (int step = 0; step < 6 && c.Machine.Devices.Length > 1; step++)
            {
                var m = c.Machine;
                // Mostly devices (one to three, leaves last first as the minimizer drops them, or
                // anywhere), sometimes a driver or an instance.
                int kind = random.Next(8);
                int[] devices = kind < 3 ? [m.Devices.Length - 1]
                    : kind < 6 ? [.. Enumerable.Range(0, random.Next(1, 4)).Select(_ => random.Next(m.Devices.Length)).Distinct()]
                    : [];
                int[] drivers = kind == 6 && m.Drivers.Length > 0 ? [random.Next(m.Drivers.Length)] : [];
                int[] iommus = kind == 7 && m.Iommus.Length > 0 ? [random.Next(m.Iommus.Length)] : [];
                var next = MachineEdit.Without(c, devices, drivers, iommus);
                if (next.Machine.Devices.Length == 0)
                    break;
                string what = $"{name}, chain {chain}, step {step}: without devices [{string.Join(",", devices)}], drivers [{string.Join(",", drivers)}], iommus [{string.Join(",", iommus)}]";
                AssertSameAsFresh(next.Machine, what);
                c = next;
            }
        }
    }

    [Fact]
    public void A_pruned_machine_carries_over_its_parents_partition_search()
    {
        var m = Load("big-200");
        Derive(m);
        var child = MachineEdit.Without(new Candidate(m, []), [m.Devices.Length - 1], [], []).Machine;
        AssertSameAsFresh(child, "big-200 without its last device");
    }

    [Fact]
    public void Dropping_the_middle_of_an_alias_chain_splits_its_component()
    {
        var m = AliasChain.Builder().Build();
        Derive(m);
        int first = m.DeviceIndex("0000:01:00.0"), middle = m.DeviceIndex("0000:01:00.1"), last = m.DeviceIndex("0000:01:00.2");
        Assert.True(CanonicalPartition.For(m).MustShare(first, last));
        var child = MachineEdit.Without(new Candidate(m, []), [middle], [], []).Machine;
        AssertSameAsFresh(child, "the alias chain without its middle function");
        Assert.False(CanonicalPartition.For(child).MustShare(child.DeviceIndex("0000:01:00.0"), child.DeviceIndex("0000:01:00.2")));
    }
}
