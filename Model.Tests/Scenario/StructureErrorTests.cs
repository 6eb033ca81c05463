using System.Text;
using Checker.Model.Scenario;
using static Checker.Model.Tests.Scenario.ScenarioText;

namespace Checker.Model.Tests.Scenario;

/// <summary>Errors found while reading the document as written: syntax, fields, types and limits.</summary>
public class StructureErrorTests
{
    [Fact]
    public void The_valid_template_loads()
    {
        var m = ScenarioLoader.Load(FileName, Text);
        Assert.Equal((5, 4, 1), (m.Devices.Length, m.Drivers.Length, m.Iommus.Length));
    }

    [Fact]
    public void Unknown_field_is_reported_with_file_line_and_field()
    {
        var e = Fails(With(9, "  - { name: dma-dev, bus: platform, firmware: dt, colour: red }"), 9, "devices[1].colour");
        Assert.Contains("unknown field 'colour'", e.Message);
        Assert.Equal("test.yaml:9: devices[1].colour: " + e.Message, e.ToString());
    }

    [Fact]
    public void Unknown_top_level_field_is_reported()
    {
        Fails(Inserting(3, "colour: red"), 3, "colour");
    }

    [Fact]
    public void Unknown_field_inside_dma_ranges_is_reported()
    {
        Fails(With(9, "  - { name: dma-dev, bus: platform, firmware: dt, dma-ranges: { base: 0, size: 1, limit: 2 } }"),
            9, "devices[1].dma-ranges.limit");
    }

    [Fact]
    public void Boolean_field_with_a_word_that_is_not_a_boolean_is_a_type_error()
    {
        var e = Fails(With(9, "  - { name: dma-dev, bus: platform, firmware: dt, coherent: maybe }"), 9, "devices[1].coherent");
        Assert.Contains("'maybe'", e.Message);
    }

    [Fact]
    public void Count_written_as_a_word_is_a_type_error()
    {
        var e = Fails(With(20, "  - { do: sriov-enable, pf: \"0000:01:00.0\", count: two }"), 20, "script[1].count");
        Assert.Contains("expected an integer", e.Message);
    }

    [Fact]
    public void A_mapping_where_a_list_is_expected_is_a_type_error()
    {
        var e = Fails(With(14, "  - { name: arm-smmu, bus: platform, matches: { dev: smmu-dev } }"), 14, "drivers[0].matches");
        Assert.Contains("expected a list, got a mapping", e.Message);
    }

    [Fact]
    public void Missing_kernel_section_is_reported_at_the_document()
    {
        Fails(Join(Valid.Skip(2)), 1, "kernel");
    }

    [Fact]
    public void Missing_required_field_names_the_field_at_its_mapping()
    {
        var e = Fails(With(9, "  - { name: dma-dev, firmware: dt }"), 9, "devices[1].bus");
        Assert.Contains("missing required field 'bus'", e.Message);
    }

    [Fact]
    public void Iommu_without_device_is_missing_a_required_field_on_arm64()
    {
        Fails(With(4, "  - { name: smmu0, driver: arm-smmu }"), 4, "iommus[0].device");
    }

    [Fact]
    public void Malformed_pci_name_is_reported()
    {
        Fails(With(10, "  - { name: \"0000:00:0.0\", bus: pci, type: root-port }"), 10, "devices[2].name");
    }

    [Fact]
    public void Pci_device_number_above_1f_is_malformed()
    {
        var e = Fails(With(10, "  - { name: \"0000:00:20.0\", bus: pci, type: root-port }"), 10, "devices[2].name");
        Assert.Contains("above 1f", e.Message);
    }

    [Fact]
    public void Firmware_on_a_pci_device_is_rejected()
    {
        Fails(With(10, "  - { name: \"0000:00:00.0\", bus: pci, type: root-port, firmware: acpi }"), 10, "devices[2].firmware");
    }

    [Theory]
    [InlineData("0", "must be between 1 and 64")]
    [InlineData("65", "must be between 1 and 64")]
    public void Coherent_mask_outside_1_to_64_bits_is_rejected(string bits, string message)
    {
        var e = Fails(With(9, $"  - {{ name: dma-dev, bus: platform, firmware: dt, coherent-mask: {bits} }}"), 9, "devices[1].coherent-mask");
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Dma_ranges_of_size_zero_is_rejected()
    {
        Fails(With(9, "  - { name: dma-dev, bus: platform, firmware: dt, dma-ranges: { base: 0x80000000, size: 0 } }"),
            9, "devices[1].dma-ranges.size");
    }

    [Fact]
    public void Negative_vf_count_is_rejected()
    {
        var e = Fails(With(20, "  - { do: sriov-enable, pf: \"0000:01:00.0\", count: -1 }"), 20, "script[1].count");
        Assert.Contains("between 1 and 256", e.Message);
    }

    [Fact]
    public void Zero_contexts_is_rejected()
    {
        Fails(With(4, "  - { name: smmu0, device: smmu-dev, driver: arm-smmu, contexts: 0 }"), 4, "iommus[0].contexts");
    }

    [Fact]
    public void More_iommus_than_the_limit_is_rejected_at_the_first_one_beyond_it()
    {
        var many = Enumerable.Range(0, ScenarioLimits.MaxIommus + 1).Select(i => $"  - {{ name: m{i}, device: d, driver: x }}");
        var text = Join(["kernel:", "  arch: arm64", "iommus:", .. many]);
        Fails(text, 4 + ScenarioLimits.MaxIommus, "iommus");
    }

    [Fact]
    public void Unknown_variant_key_is_reported_at_the_key()
    {
        var e = Fails(Join(["kernel:", "  arch: arm64", "  variants:", "    grouping: probe-time"]), 4, "kernel.variants.grouping");
        Assert.Contains("unknown variant key", e.Message);
    }

    [Fact]
    public void Unknown_variant_value_is_reported_at_the_value()
    {
        var e = Fails(Join(["kernel:", "  arch: arm64", "  variants:", "    groups:", "      walk-sideways"]), 5, "kernel.variants.groups");
        Assert.Contains("unknown value 'walk-sideways'", e.Message);
    }

    [Fact]
    public void Aliases_expanding_beyond_the_node_limit_are_rejected()
    {
        // Seven levels of ten aliases each: 10^7 leaves from a file of a few hundred bytes.
        var lines = new List<string> { "kernel: { arch: arm64 }", "bombs:", "  - &l0 [x, x, x, x, x, x, x, x, x, x]" };
        for (int i = 1; i <= 7; i++)
            lines.Add($"  - &l{i} [{string.Join(", ", Enumerable.Repeat($"*l{i - 1}", 10))}]");
        // Counted on the parser's events: the limit is crossed at the first alias of level 6,
        // whose anchor already holds 1111111 nodes; no node tree is built first.
        var e = Fails(Join(lines), 9, "(document)");
        Assert.Contains($"YAML aliases expand beyond {ScenarioLimits.MaxYamlNodes} nodes", e.Message);
    }

    [Fact]
    public void A_self_referencing_alias_is_an_error_at_the_alias()
    {
        var e = Fails("kernel: { arch: arm64 }\nloop: &a [*a, *a]\n", 2, "(document)");
        Assert.Contains("alias *a is inside the node its anchor &a names", e.Message);
    }

    [Fact]
    public void An_undefined_alias_is_reported_at_its_own_line()
    {
        var e = Fails("kernel: { arch: arm64 }\nname: x\n\ndescription: *nowhere\n", 4, "(document)");
        Assert.Contains("alias *nowhere has no anchor &nowhere before it", e.Message);
    }

    [Fact]
    public void A_long_flat_list_without_aliases_is_stopped_by_the_node_limit_while_parsing()
    {
        var text = "kernel: { arch: arm64 }\nflat: [" + string.Join(",", Enumerable.Repeat("0", ScenarioLimits.MaxYamlNodes + 1)) + "]\n";
        var e = Fails(text, 2, "(document)");
        Assert.Contains($"more than {ScenarioLimits.MaxYamlNodes} YAML nodes (the node limit)", e.Message);
        Assert.DoesNotContain("alias", e.Message);
    }

    [Fact]
    public void An_empty_field_name_is_reported_as_empty()
    {
        var e = Fails("kernel: { arch: arm64 }\n\"\": 1\n", 2, "(document)");
        Assert.Contains("a field name is empty", e.Message);
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_rejected()
    {
        var text = "kernel: { arch: arm64 }\ndeep: " + new string('[', 10_000) + new string(']', 10_000) + "\n";
        Fails(text, 2, "(document)");
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n")]
    [InlineData("---\n")]
    [InlineData("~\n")]
    public void Empty_file_is_rejected(string text)
    {
        var e = Fails(text, 1, "(document)");
        Assert.Contains("empty", e.Message);
    }

    [Fact]
    public void Two_documents_are_rejected_at_the_second()
    {
        Fails(Text + "---\nkernel: { arch: arm }\n", 22, "(document)");
    }

    [Fact]
    public void A_document_that_is_not_a_mapping_is_rejected()
    {
        Fails("- kernel\n", 1, "(document)");
    }

    [Fact]
    public void Text_larger_than_the_limit_is_rejected_before_parsing()
    {
        var text = new StringBuilder("kernel: { arch: arm64 }\n# ").Append('x', ScenarioLimits.MaxTextBytes).ToString();
        var e = Fails(text, 1, "(file)");
        Assert.Contains("larger than", e.Message);
    }

    [Fact]
    public void Yaml_syntax_error_is_reported_with_its_line()
    {
        var e = Fails(With(14, "  - { name: arm-smmu, bus: platform, matches: [smmu-dev }"), 14, "(yaml)");
        Assert.StartsWith("YAML syntax error", e.Message);
    }

    [Fact]
    public void Unclosed_flow_list_is_a_syntax_error_not_a_crash()
    {
        Fails("kernel: { arch: arm64 }\ndevices: [1, 2\nb: 3\n", 3, "(yaml)");
    }

    [Fact]
    public void Tab_indentation_is_a_syntax_error()
    {
        Fails("kernel:\n\tarch: arm64\n", 1, "(yaml)");
    }

    [Fact]
    public void Duplicate_field_in_a_mapping_is_a_syntax_error_at_the_second()
    {
        Fails(Inserting(3, "  arch: arm"), 3, "(yaml)");
    }
}
