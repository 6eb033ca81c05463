using Checker.Cli.Rendering;
using Checker.Model.Tests.Import;
using Checker.Model.Tests.Support;

namespace Checker.Model.Tests.Cli;

/// <summary>validate's aligned dmesg diff and the one table style of matrix, validate and corpus.</summary>
public class TableStyleTests
{
    [Fact]
    public void One_missing_line_is_one_row_of_its_own_and_every_later_line_still_matches()
    {
        var model = new[] { "a", "b", "c", "d", "e" };
        var real = new[] { "a", "c", "d", "e" };
        var rows = LineDiff.Align(model, real);
        Assert.Equal([DiffKind.Same, DiffKind.LeftOnly, DiffKind.Same, DiffKind.Same, DiffKind.Same], rows.Select(r => r.Kind));
        Assert.Equal(new DiffRow(DiffKind.LeftOnly, "b", null), rows[1]);
        Assert.Equal(model, rows.Where(r => r.Left is not null).Select(r => r.Left!));
        Assert.Equal(real, rows.Where(r => r.Right is not null).Select(r => r.Right!));
    }

    [Fact]
    public void A_changed_line_faces_its_counterpart_and_an_extra_real_line_stands_alone()
    {
        var rows = LineDiff.Align(["x 1", "y 2", "z 3"], ["x 1", "y 9", "z 3", "w 4"]);
        Assert.Equal([DiffKind.Same, DiffKind.Changed, DiffKind.Same, DiffKind.RightOnly], rows.Select(r => r.Kind));
        Assert.Equal(new DiffRow(DiffKind.Changed, "y 2", "y 9"), rows[1]);
    }

    [Fact]
    public void Equal_and_empty_sides_align_trivially()
    {
        Assert.All(LineDiff.Align(["a", "a", "b"], ["a", "a", "b"]), r => Assert.Equal(DiffKind.Same, r.Kind));
        Assert.Empty(LineDiff.Align([], []));
        Assert.Equal([DiffKind.RightOnly, DiffKind.RightOnly], LineDiff.Align([], ["p", "q"]).Select(r => r.Kind));
    }

    [Fact]
    public void Validate_marks_only_the_group_line_the_real_dmesg_lacks()
    {
        var fixture = File.ReadAllLines(Fixtures.Path("d05/dmesg.txt"));
        var path = Path.Combine(Path.GetTempPath(), $"checker-dmesg-{Guid.NewGuid():N}.txt");
        try
        {
            File.WriteAllLines(path, fixture.Where(l => !l.Contains("000a:11:00.1: Adding to iommu group", StringComparison.Ordinal)));
            var r = CliRun.Run("validate", "scenarios/hisilicon-d05-builtin.yaml", "--dmesg", path);
            Assert.Equal(1, r.Exit);
            var rows = r.Out.Split('\n').Where(l => l.Contains(": Adding to iommu group", StringComparison.Ordinal)).ToList();
            var marked = rows.Where(l => l[0] != ' ').ToList();
            Assert.Equal(["-  mlx5_core 000a:11:00.1: Adding to iommu group 3"], marked);
            Assert.True(rows.Count >= 10);
            Assert.Contains("1 of 15 lines differ", r.Out, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Tables_written_to_a_pipe_are_plain_deterministic_text()
    {
        Assert.False(Tables.Colour(new StringWriter()));
        string[] args = ["matrix", "scenarios/coherent-mask-overflow.yaml", "--property", "CoherentMaskCoversRange", "--max-tests", "20"];
        var first = CliRun.Run(args);
        var second = CliRun.Run(args);
        Assert.Equal(first.Out, second.Out);
        Assert.DoesNotContain('\u001b', first.Out);
        Assert.Contains("\nvariant                 kernel  I1\ngroups=probe-time       5.3     2ev[1]\n", first.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(" \n", first.Out, StringComparison.Ordinal);

        var validate = CliRun.Run("validate", "scenarios/hisilicon-d05-builtin.yaml", "--iommu-groups", Fixtures.Path("d05/iommu-groups-wrong.txt"));
        Assert.DoesNotContain('\u001b', validate.Out);
        Assert.Contains("   device        model  real", validate.Out, StringComparison.Ordinal);
    }
}
