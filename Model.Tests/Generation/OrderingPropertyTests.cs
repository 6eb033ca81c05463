using Checker.Model.State;
using Checker.Properties.Generation;
using Checker.Properties.Invariants;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Checker.Model.Tests.Generation;

/// <summary>Arbitraries of D05 orderings for FsCheck.Xunit properties: the same generator and shrinkers `check` uses.</summary>
public static class D05Orderings
{
    public static Arbitrary<Ordering> Ordering() => Orderings.Of(ScenarioFiles.Load("hisilicon-d05-builtin") with
    {
        Variants = Variants.Default with { Groups = GroupsVariant.PerInstance },
    });
}

public class OrderingPropertyTests
{
    [Property(Arbitrary = [typeof(D05Orderings)], MaxTest = 200, Replay = "(1,1)")]
    public bool Per_instance_groups_never_split_what_cannot_be_isolated(Ordering o) =>
        o.FirstViolation(GroupInvariants.NonAcsSiblingsShareGroup) is null;

    [Property(Arbitrary = [typeof(D05Orderings)], MaxTest = 200, Replay = "(2,1)")]
    public bool Group_bookkeeping_holds_on_every_D05_ordering(Ordering o) =>
        o.FirstViolation(GroupInvariants.GroupBookkeepingConsistent) is null;

    [Property(Arbitrary = [typeof(D05Orderings)], MaxTest = 100, Replay = "(3,1)")]
    public bool Generated_orderings_are_real_orderings(Ordering o) => o.IsValid();

    [Fact]
    public void The_same_property_fails_on_probe_time_and_FsCheck_shrinks_it_with_our_shrinker()
    {
        var probeTime = Orderings.Of(ScenarioFiles.Load("hisilicon-d05-builtin"));
        Ordering? last = null;
        var property = Prop.ForAll(probeTime, o =>
        {
            last = o;
            return o.FirstViolation(GroupInvariants.NonAcsSiblingsShareGroup) is null;
        });
        var config = Config.QuickThrowOnFailure.WithMaxTest(500).WithReplay(1, 1).WithQuietOnSuccess(true);
        Assert.ThrowsAny<Exception>(() => Check.One(config, property));
        Assert.NotNull(last);
    }
}
