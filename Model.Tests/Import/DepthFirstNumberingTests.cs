using Checker.Model.Import;

namespace Checker.Model.Tests.Import;

/// <summary>Which bridge owns which bus when the dump shows only bus numbers (DepthFirstNumbering).</summary>
public class DepthFirstNumberingTests
{
    private static VerboseDevice Function(string bdf, bool bridge)
    {
        var p = bdf.Split(':', '.');
        var address = new Bdf(0, Convert.ToInt32(p[0], 16), Convert.ToInt32(p[1], 16), Convert.ToInt32(p[2], 16));
        return new VerboseDevice(address, bridge ? "PCI bridge" : "Ethernet controller", null, null, null, null, false, 1);
    }

    /// <summary>The plan below bus 00 of a dump holding FUNCTIONS (bridges marked with a trailing *).</summary>
    private static DepthFirstNumbering.Plan Plan(params string[] functions) => PlanListing(null, functions);

    private static DepthFirstNumbering.Plan PlanListing(Func<VerboseDevice, bool>? listedOnlyWithLink, params string[] functions)
    {
        var devices = functions.Select(f => Function(f.TrimEnd('*'), f.EndsWith('*'))).ToList();
        var buses = devices.Select(d => (d.Address.Domain, d.Address.Bus)).ToHashSet();
        var unowned = buses.Where(b => b.Bus != 0).ToHashSet();
        return DepthFirstNumbering.Best(
            (0, 0), devices, new Dictionary<Bdf, int>(), new Dictionary<Bdf, int>(), unowned, new HashSet<(int, int)> { (0, 0) }, listedOnlyWithLink);
    }

    private static Dictionary<string, int> Owners(DepthFirstNumbering.Plan plan) =>
        plan.Taken.ToDictionary(t => $"{t.Bridge.Bus:x2}:{t.Bridge.Slot:x2}.{t.Bridge.Function}", t => t.Bus);

    [Fact]
    public void An_empty_root_port_consumes_its_number_so_the_next_port_owns_the_next_bus()
    {
        // 00:1c.0 has nothing behind it: bus 01 is its, and the dump cannot show it.
        var plan = Plan("00:1c.0*", "00:1c.3*", "00:1c.4*", "02:00.0", "03:00.0");
        Assert.Equal(new Dictionary<string, int> { ["00:1c.3"] = 2, ["00:1c.4"] = 3 }, Owners(plan));
        Assert.Equal((new Bdf(0, 0, 0x1c, 0), 1), Assert.Single(plan.Empty));
        Assert.Equal((0, 0), (plan.Orphans, plan.Gaps));
    }

    [Fact]
    public void A_subtree_takes_the_numbers_after_its_bridge_before_the_next_bridge_of_the_bus()
    {
        // 00:01.0 -> 01 (switch upstream port) -> 02 (two downstream ports) -> 03, 04; then 00:1c.0 -> 05.
        var plan = Plan("00:01.0*", "00:1c.0*", "01:00.0*", "02:00.0*", "02:01.0*", "03:00.0", "04:00.0", "05:00.0");
        Assert.Equal(new Dictionary<string, int> { ["00:01.0"] = 1, ["01:00.0"] = 2, ["02:00.0"] = 3, ["02:01.0"] = 4, ["00:1c.0"] = 5 }, Owners(plan));
        Assert.Empty(plan.Empty);
        Assert.False(plan.Truncated);
    }

    [Fact]
    public void Numbers_reserved_by_a_hotplug_bridge_are_a_gap_not_an_orphan()
    {
        // A Thunderbolt port reserves buses: the next bus the dump has behind it is 3c.
        var plan = Plan("00:1d.0*", "3c:00.0");
        var taken = Assert.Single(plan.Taken);
        Assert.Equal((new Bdf(0, 0, 0x1d, 0), 0x3c, true), taken);
        Assert.Equal((0, 1), (plan.Orphans, plan.Gaps));
    }

    [Fact]
    public void Without_gaps_an_empty_bridge_is_preferred_to_a_skip()
    {
        // 00:1c.0 could own 02 with a gap (01 skipped), or be empty with 00:1c.1 owning 02: no gap wins.
        var plan = Plan("00:1c.0*", "00:1c.1*", "02:00.0");
        Assert.Equal(new Dictionary<string, int> { ["00:1c.1"] = 2 }, Owners(plan));
        Assert.Equal(0, plan.Gaps);
    }

    [Fact]
    public void A_bridge_the_firmware_lists_only_with_a_link_is_not_read_as_empty_even_at_the_cost_of_a_gap()
    {
        // As Without_gaps_an_empty_bridge_is_preferred_to_a_skip, but 00:1c.0 is of a chip whose
        // firmware hides it without a link: listed, so something is behind it, and bus 01 was skipped.
        var plan = PlanListing(d => d.Address == new Bdf(0, 0, 0x1c, 0), "00:1c.0*", "00:1c.1*", "02:00.0");
        Assert.Equal(new Dictionary<string, int> { ["00:1c.0"] = 2 }, Owners(plan));
        Assert.Equal((new Bdf(0, 0, 0x1c, 1), 3), Assert.Single(plan.Empty));
        Assert.Equal((0, 0, 1), (plan.Orphans, plan.HiddenEmpty, plan.Gaps));
    }

    [Fact]
    public void When_every_reading_leaves_such_a_bridge_empty_the_fewest_are_and_the_count_says_so()
    {
        // Both ports are of such a chip and only one bus is in the dump: one of them must be empty.
        var plan = PlanListing(d => d.IsBridge, "00:1c.0*", "00:1c.1*", "01:00.0");
        Assert.Equal(new Dictionary<string, int> { ["00:1c.0"] = 1 }, Owners(plan));
        Assert.Equal((0, 1, 0), (plan.Orphans, plan.HiddenEmpty, plan.Gaps));
    }
}
