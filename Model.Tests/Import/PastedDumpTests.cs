using System.Text.Json;
using Checker.Model.Import;

namespace Checker.Model.Tests.Import;

/// <summary>Real dumps as people paste them, imported with `--lspci` alone and booted.</summary>
public class PastedDumpTests
{
    /// <summary>Imports FIXTURE with no other flag, boots the result and returns the groups of its boot (--json).</summary>
    internal static Dictionary<int, string[]> ImportAndBoot(string fixture, params string[] bootArgs) => ImportAndBoot(fixture, bootArgs, []);

    internal static Dictionary<int, string[]> ImportAndBoot(string fixture, string[] bootArgs, string[] importArgs)
    {
        var output = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"checker-pasted-{Guid.NewGuid():N}.yaml");
        try
        {
            var (exit, _, err) = Fixtures.Run(["import", "--lspci", Fixtures.Path(fixture), .. importArgs, "-o", output]);
            Assert.True(exit == 0, err);
            var (bootExit, json, bootErr) = Fixtures.Run(["boot", output, "--json", .. bootArgs]);
            Assert.True(bootExit == 0, bootErr);
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.GetProperty("groups").EnumerateArray().ToDictionary(
                g => g.GetProperty("id").GetInt32(), g => g.GetProperty("members").EnumerateArray().Select(m => m.GetString()!).ToArray());
        }
        finally
        {
            File.Delete(output);
        }
    }

    /// <summary>The partition of the devices REAL groups, as MODEL groups them: equal when every real group is exactly one model group's share of them.</summary>
    internal static void AssertSamePartition(Dictionary<int, string[]> model, IReadOnlyDictionary<int, System.Collections.Immutable.ImmutableArray<string>> real)
    {
        var realMembers = real.Values.SelectMany(g => g).ToHashSet();
        var modelOf = model.SelectMany(g => g.Value.Select(m => (m, g.Key))).ToDictionary(x => x.m, x => x.Key);
        foreach (var (id, members) in real)
        {
            var groupsUsed = members.Select(m => modelOf.TryGetValue(m, out var g) ? g : -1).Distinct().ToList();
            Assert.True(groupsUsed.Count == 1 && groupsUsed[0] >= 0, $"real group {id} {{{string.Join(" ", members)}}} is split by the model: {string.Join(", ", groupsUsed)}");
            var share = model[groupsUsed[0]].Where(realMembers.Contains).Order().ToList();
            Assert.Equal(members.Order().ToList(), share);
        }
    }

    [Theory]
    [InlineData("import/d05-lspci-tv-pasted.txt")]
    [InlineData("import/d05-lspci-tv-quoted.txt")]
    public void The_D05_tree_pasted_with_its_prompt_boots_into_the_groups_of_the_mlx5_module_listing(string fixture)
    {
        var real = IommuGroupsListing.Parse("groups", Fixtures.Text("import/d05-groups-mlx5-module.txt"));
        AssertSamePartition(ImportAndBoot(fixture, "--kernel", "5.3"), real);
    }

    [Fact]
    public void The_real_listing_is_not_what_the_builtin_D05_gives_so_the_comparison_can_fail()
    {
        // The first listing of the thread (mlx5_core built in): the PFs have groups of their own.
        var builtin = IommuGroupsListing.Parse("g", Fixtures.Text("d05/iommu-groups.txt"));
        var model = ImportAndBoot("import/d05-lspci-tv-pasted.txt");
        var pciOnly = builtin.Where(g => g.Value.All(m => m.Contains(':', StringComparison.Ordinal) && m.Length == 12))
            .ToDictionary(g => g.Key, g => g.Value);
        Assert.ThrowsAny<Exception>(() => AssertSamePartition(model, pciOnly));
    }

    [Fact]
    public void A_non_root_lspci_vv_given_its_groups_boots_into_them_and_from_lspci_alone_predicts_coarser()
    {
        // The tree comes from the Bus: lines; ACS, hidden without root, is inferred from the
        // groups given with --iommu-groups (each inference a guess).
        var real = IommuGroupsListing.Parse("nuc", Fixtures.Text("import/nuc-lspci-vv-nonroot.txt"));
        Assert.Equal(23, real.Count);
        AssertSamePartition(ImportAndBoot("import/nuc-lspci-vv-nonroot.txt", [], ["--iommu-groups", Fixtures.Path("import/nuc-lspci-vv-nonroot.txt")]), real);
        // From the lspci text alone the groups are a prediction: ACS stays unknown and the PCH ports share.
        Assert.ThrowsAny<Exception>(() => AssertSamePartition(ImportAndBoot("import/nuc-lspci-vv-nonroot.txt"), real));
    }

    [Fact]
    public void Without_its_group_lines_the_non_root_dump_is_imported_conservatively_and_groups_coarser()
    {
        var stripped = string.Join("\n", Fixtures.Text("import/nuc-lspci-vv-nonroot.txt").Split('\n').Where(l => !l.Contains("IOMMU group:", StringComparison.Ordinal)));
        var dump = LspciDump.Read([("nuc.txt", stripped)]);
        var machine = MachineImporter.Import(ImportInputs.FromLspci("nuc", dump, null, null, null)).Machine;
        var real = IommuGroupsListing.Parse("nuc", Fixtures.Text("import/nuc-lspci-vv-nonroot.txt"));
        var model = Checker.Properties.Exploration.Runner.RunScript(machine, []).Final.Groups;
        Assert.True(model.Count < real.Count, $"{model.Count} groups without ACS knowledge, {real.Count} real");
    }

    [Fact]
    public void A_flat_lspci_nn_with_markdown_fences_imports_as_x86_with_one_dmar_unit()
    {
        var model = ImportAndBoot("import/surface3-lspci-nn.txt");
        // Every function is grouped at rootfs_initcall; the root port's endpoint shares its group (no ACS known).
        var wifi = model.Single(g => g.Value.Contains("0000:01:00.0")).Value;
        Assert.Contains("0000:00:1c.0", wifi);
        Assert.Equal(8, model.Count);
    }

    [Fact]
    public void Prompt_lines_and_commands_split_a_paste_into_sections()
    {
        var sections = PastedText.Sections("user@host:~$ lspci -tv\n-[0000:00]-+-00.0  Host\n           \\-1f.0  LPC\n# lspci -vvv\n00:00.0 Host bridge: Intel\n\tFlags: fast devsel\nuser@host >\n");
        Assert.Equal(["lspci -tv", "lspci -vvv"], sections.Select(s => s.Command));
        Assert.Equal([2, 5], sections.Select(s => s.Lines[0].Line));
    }

    [Fact]
    public void Quoting_crlf_and_trailing_blanks_are_taken_off()
    {
        var s = PastedText.Sections("> 00:00.0 Host bridge: Intel   \r\n> \tFlags: fast\r\n").Single();
        Assert.Equal(["00:00.0 Host bridge: Intel", "\tFlags: fast"], s.Lines.Select(l => l.Text));
        Assert.True(s.Lines[0].Soft);
    }

    [Fact]
    public void Forum_markup_round_a_pasted_line_is_taken_off_and_lspci_brackets_stay()
    {
        // As a forum post highlights a line of the IOMMU group script's output (BBCode colour tags).
        var text = "[COLOR=#ff0000]IOMMU group 0 00:02.0 Display controller [0380]: Intel Corporation Device [8086:a780] (rev 04)[/COLOR]\n"
            + "IOMMU group 1 01:00.0 VGA compatible controller [0300]: NVIDIA Corporation TU116 [GeForce GTX 1660 Ti] [10de:2182] (rev a1)\n"
            + "[b]IOMMU group 1 01:00.1 Audio device [0403]: NVIDIA Corporation [10de:1aeb][/b]\n";
        var lines = PastedText.Sections(text).Single().Lines.Select(l => l.Text).ToList();
        Assert.Equal("IOMMU group 0 00:02.0 Display controller [0380]: Intel Corporation Device [8086:a780] (rev 04)", lines[0]);
        Assert.Contains("[GeForce GTX 1660 Ti] [10de:2182]", lines[1], StringComparison.Ordinal);
        var groups = IommuGroupsListing.Parse("forum.txt", text);
        Assert.Equal(["0000:00:02.0"], groups[0].ToArray());
        Assert.Equal(["0000:01:00.0", "0000:01:00.1"], groups[1].Order().ToArray());
        var device = LspciListing.Parse("forum.txt", text).Values.Single(d => d.Device == 0xa780);
        Assert.Equal((0x8086, 0x038000), (device.Vendor, device.ClassCode));
    }

    [Fact]
    public void A_wrapped_device_line_is_joined_and_its_ids_read()
    {
        var text = "00:1f.3 Audio device [0403]: Intel Corporation Cannon Lake PCH cAVS \n[8086:a348] (rev 10)\n\tKernel driver in use: snd_hda_intel\n";
        var d = LspciListing.Parse("f", text).Values.Single();
        Assert.Equal((0x8086, 0xa348, 0x040300, "snd_hda_intel"), (d.Vendor, d.Device, d.ClassCode, d.Driver));
    }

    [Theory]
    [InlineData("00:00.0 Host bridge: Intel\nthis is not lspci\n", 2, "expected an lspci device line")]
    [InlineData("hello world\n", 1, "expected lspci output")]
    [InlineData("-[0000:00]-+-00.0  Host\n           \\-2g.0  Garbage\n", 2, "tree art")]
    [InlineData("00:01.0 PCI bridge: Intel\n\tBus: primary=00, secondary=zz\n", 2, "Bus: primary=BB")]
    public void A_line_of_no_lspci_form_is_an_error_with_its_line_and_what_was_expected(string text, int line, string expected)
    {
        var e = Assert.Throws<ImportException>(() => LspciDump.Read([("paste.txt", text)]));
        Assert.Equal(line, e.Line);
        Assert.Contains(expected, e.Reason);
        Assert.Contains("saw", e.Reason);
    }
}
