using Checker.Model.State;
using Checker.Model.Topology;
using Checker.Model.Tests.Support;

namespace Checker.Model.Tests.Topology;

/// <summary>
/// <see cref="PciDeviceGroup.Find"/> (the eager search dma_configure uses) meets the same devices in
/// the same order as the rest of the lazy <see cref="PciDeviceGroup.Candidates"/> after the walk.
/// </summary>
public class PciDeviceGroupFindTests
{
    /// <summary>Records every candidate offered and accepts none, so the whole search runs.</summary>
    private readonly struct Recorder(Func<int, bool> present, List<int> offered) : PciDeviceGroup.ISearch
    {
        public bool Present(int dev) => present(dev);

        public bool Accepts(int candidate)
        {
            offered.Add(candidate);
            return false;
        }
    }

    public static TheoryData<string> Scenarios() => [.. ScenarioFiles.All()];

    public static TheoryData<string> Topologies() => [.. PciTopologies.All.Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Find_meets_the_candidates_in_order_in_each_scenario(string scenario) => MeetsCandidatesInOrder(ScenarioFiles.Load(scenario));

    [Theory]
    [MemberData(nameof(Topologies))]
    public void Find_meets_the_candidates_in_order_in_each_topology(string topology) =>
        MeetsCandidatesInOrder(PciTopologies.Named(topology).Builder().Build());

    private static void MeetsCandidatesInOrder(Machine m)
    {
        Func<int, bool>[] presences = [_ => true, d => d % 3 != 0, d => d % 2 == 0];
        foreach (var d in m.Devices.Where(d => d.Pci is not null))
            foreach (var present in presences)
                foreach (bool walkDown in new[] { false, true })
                {
                    var walk = PciDeviceGroup.Walk(m, d.Index);
                    var offered = new List<int>();
                    var recorder = new Recorder(present, offered);
                    Assert.Equal(-1, PciDeviceGroup.Find(m, walk.Top, walkDown, ref recorder));
                    Assert.Equal(PciDeviceGroup.Candidates(m, d.Index, present, walkDown).Skip(walk.Visited.Count), offered);
                }
    }
}
