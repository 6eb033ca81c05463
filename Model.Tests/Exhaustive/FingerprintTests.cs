using System.Collections.Immutable;
using Checker.Model.Events;
using Checker.Model.Semantics;
using Checker.Model.State;
using Checker.Properties.Exhaustive;

namespace Checker.Model.Tests.Exhaustive;

public class FingerprintTests
{
    private static World Run(Machine m, params Event[] events) => events.Aggregate(Kernel.Boot(m), Kernel.Step);

    private static World Booted() =>
        Run(SmallMachines.SplitGroup(), new AddDevice(0), new AddDevice(1), new AddDevice(2), new AddDevice(3),
            new RegisterDriver(1), new RegisterDriver(2));

    [Fact]
    public void Equal_worlds_reached_twice_have_equal_fingerprints()
    {
        Assert.Equal(Fingerprint.Of(Booted()), Fingerprint.Of(Booted()));
        Assert.Equal(Fingerprint.Encoding(Booted()), Fingerprint.Encoding(Booted()));
    }

    [Fact]
    public void Clock_log_and_trace_are_not_part_of_a_state()
    {
        var w = Booted();
        var other = w with { Clock = w.Clock + 123_456, Log = BootLog.Empty, Trace = [] };
        Assert.Equal(Fingerprint.Of(w), Fingerprint.Of(other));
    }

    [Fact]
    public void Group_ids_are_relabelled_so_the_same_partition_is_the_same_state()
    {
        var w = Booted();
        Assert.Equal(2, w.Groups.Count);
        var (a, b) = (w.Groups[0], w.Groups[1]);
        // Swap the two ids everywhere: the same groups, numbered the other way round.
        var swapped = w with
        {
            Groups = ImmutableSortedDictionary<int, IommuGroup>.Empty.Add(0, b with { Id = 0 }).Add(1, a with { Id = 1 }),
            Devices = [.. w.Devices.Select(d => d.Group switch { 0 => d with { Group = 1 }, 1 => d with { Group = 0 }, _ => d })],
        };
        Assert.Equal(Fingerprint.Of(w), Fingerprint.Of(swapped));
        // Renumbering with a gap (ids 0 and 5) is also the same state.
        var gap = w with
        {
            Groups = ImmutableSortedDictionary<int, IommuGroup>.Empty.Add(0, a).Add(5, b with { Id = 5 }),
            Devices = [.. w.Devices.Select(d => d.Group == 1 ? d with { Group = 5 } : d)],
        };
        Assert.Equal(Fingerprint.Of(w), Fingerprint.Of(gap));
    }

    [Fact]
    public void Fingerprints_separate_the_states_that_matter()
    {
        var booted = Booted();
        int ep = 2;
        // Give the endpoint a live per-device mapping, as arm32 IOMMU ops have.
        var w = booted.WithDevice(ep, booted.Devices[ep] with { Ops = booted.Devices[ep].Ops with { Mapping = 0 } })
            with { LiveMappings = [0], NextMapping = 1 };
        var d = w.Devices[ep];
        var variants = new (string What, World World)[]
        {
            ("unbound", w.WithDevice(ep, d with { Status = ProbeStatus.Deferred })),
            ("grouped together", w with
            {
                Groups = w.Groups.Remove(1).SetItem(0, w.Groups[0] with { Members = [2, 3] }),
                Devices = w.Devices.SetItem(3, w.Devices[3] with { Group = 0 }),
            }),
            ("deferred list order", w with { DeferredPending = [1, 2] }),
            ("deferred list other order", w with { DeferredPending = [2, 1] }),
            ("ops", w.WithDevice(ep, d with { Ops = DmaOps.Direct(DmaOps.ArchOwner) })),
            ("mapping dead", w with { LiveMappings = ImmutableHashSet<int>.Empty }),
            ("instance generation", w.WithInstance(0, w.Instances[0] with { Generation = w.Instances[0].Generation + 1 })),
            ("bus list order", w with { BusList = [.. w.BusList.Reverse()] }),
            ("work queued", w with { WorkQueued = !w.WorkQueued }),
        };
        var all = variants.Select(v => (v.What, Fp: Fingerprint.Of(v.World))).Prepend((What: "original", Fp: Fingerprint.Of(w))).ToList();
        foreach (var x in all)
            Assert.Single(all, y => y.Fp == x.Fp);
    }

    [Fact]
    public void The_visited_set_keeps_each_fingerprint_once_across_growth()
    {
        var set = new VisitedSet(4);
        for (ulong i = 0; i < 100_000; i++)
            Assert.True(set.Add(unchecked(i * 0x9E3779B97F4A7C15UL)));
        for (ulong i = 0; i < 100_000; i++)
            Assert.False(set.Add(unchecked(i * 0x9E3779B97F4A7C15UL)));
        Assert.Equal(100_000, set.Count);
        Assert.True(set.Bytes / set.Count <= 24, $"{set.Bytes / (double)set.Count} bytes a state");
        Assert.False(set.Contains(12345));
    }

    [Fact]
    public void The_visited_set_costs_at_most_16_bytes_a_state_once_it_has_grown()
    {
        var set = new VisitedSet(4);
        long grown = 0, last = set.Capacity, settledAt = -1;
        for (ulong i = 0; i < 300_000; i++)
        {
            set.Add(unchecked((i + 1) * 0xD6E8FEB86659FD93UL));
            if (set.Capacity != last)
            {
                grown++;
                // One table of 256 grows by 1.5x at a time: never the whole set at once.
                Assert.True(set.Capacity <= last + last / 2, $"grew from {last} to {set.Capacity} slots");
                last = set.Capacity;
            }
            if (settledAt < 0 && set.Settled)
                settledAt = set.Count;
            if (settledAt >= 0)
                Assert.True(set.Bytes <= 16 * set.Count, $"{set.Bytes / (double)set.Count} bytes a state at {set.Count} states");
            Assert.True(set.Count * 4 <= set.Capacity * 3, $"{set.Count} states in {set.Capacity} slots");
        }
        Assert.True(grown > 10 * VisitedSet.Tables);
        Assert.InRange(settledAt, 1, 20_000);
        Assert.Equal(set.Capacity * sizeof(ulong), set.Bytes);
        // Sized for what is expected, the set is within the bound as soon as it is settled.
        var sized = new VisitedSet(1_000_000);
        for (ulong i = 1; !sized.Settled; i++)
            sized.Add(unchecked(i * 0x9E3779B97F4A7C15UL));
        Assert.True(sized.Bytes <= 16 * sized.Count);
        Assert.True(sized.Count <= 1_000_000);
    }

    [Fact]
    public void A_device_is_encoded_by_its_value_whichever_object_holds_it()
    {
        // Untouched devices share the machine's initial objects; a copy with equal fields (as a
        // step that rebuilds a device state could make) must be the same state, and a device
        // that left its initial state must not be.
        var m = SmallMachines.SplitGroup();
        var w = Run(m, new AddDevice(0));
        Assert.Same(m.Index.InitialDevices[3], w.Devices[3]);
        var copy = w.WithDevice(3, w.Devices[3] with { });
        Assert.NotSame(w.Devices[3], copy.Devices[3]);
        Assert.Equal(Fingerprint.Encoding(w), Fingerprint.Encoding(copy));
        Assert.NotEqual(Fingerprint.Of(w), Fingerprint.Of(w.WithDevice(3, w.Devices[3] with { EverAdded = true })));
        Assert.NotEqual(Fingerprint.Of(w), Fingerprint.Of(Kernel.Boot(m)));
    }
}
