using Checker.Cli.Commands;
using Checker.Model.Events;
using Checker.Model.State;
using Checker.Model.Tests.Support;
using Checker.Properties.Invariants;

namespace Checker.Model.Tests.Cli;

public class KernelReferenceTests
{
    private static void AssertExplained(ReferenceEntry? e, string name)
    {
        Assert.True(e is not null, $"{name}: no entry in KernelReference");
        Assert.False(string.IsNullOrWhiteSpace(e!.Meaning), $"{name}: no meaning");
        Assert.False(string.IsNullOrWhiteSpace(e.Kernel), $"{name}: no kernel source");
        Assert.Matches(@"\w+\(\)|\w+\.c\b|\w+=", e.Kernel);
    }

    [Fact]
    public void Every_invariant_of_the_catalogue_has_a_meaning_and_a_kernel_source_and_nothing_else_is_listed()
    {
        foreach (var inv in Catalogue.All)
            AssertExplained(KernelReference.Properties.SingleOrDefault(e => e.Name == inv.Name), inv.Name);
        Assert.Equal(Catalogue.Names, KernelReference.Properties.Select(e => e.Name));
    }

    [Fact]
    public void Every_variant_key_and_value_has_a_meaning_and_a_kernel_source_and_nothing_else_is_listed()
    {
        var expected = Variants.Keys.SelectMany(k => k.Values.Select(v => $"{k.Key}={v}").Prepend(k.Key)).ToList();
        foreach (var name in expected)
            AssertExplained(KernelReference.Variants.SingleOrDefault(e => e.Name == name), name);
        Assert.Equal(expected, KernelReference.Variants.Select(e => e.Name));
    }

    [Fact]
    public void Every_event_form_has_a_meaning_and_a_kernel_source_and_nothing_else_is_listed()
    {
        foreach (var form in EventText.Forms)
            AssertExplained(KernelReference.Events.SingleOrDefault(e => e.Name == form), form);
        Assert.Equal(EventText.Forms.Order(StringComparer.Ordinal), KernelReference.Events.Select(e => e.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void List_properties_prints_every_invariant_with_its_meaning()
    {
        var r = CliRun.Run("list", "properties");
        Assert.Equal(0, r.Exit);
        foreach (var e in KernelReference.Properties)
        {
            Assert.Contains(e.Name + "\n    " + e.Meaning + "\n    kernel: " + e.Kernel + "\n", r.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void List_variants_marks_each_era_default_once_per_key()
    {
        var r = CliRun.Run("list", "variants");
        Assert.Equal(0, r.Exit);
        Assert.Contains("  groups=probe-time  (default in 5.3)\n", r.Out, StringComparison.Ordinal);
        Assert.Contains("  groups=per-instance  (default in 6.15)\n", r.Out, StringComparison.Ordinal);
        Assert.Contains("  fallback=keep-coherent  (default in 5.3 and 6.15)\n", r.Out, StringComparison.Ordinal);
        var lines = r.Out.Split('\n');
        foreach (var (key, _) in Variants.Keys)
            foreach (var (version, _) in KernelEras.All)
                Assert.Single(lines, l => l.StartsWith($"  {key}=", StringComparison.Ordinal)
                    && System.Text.RegularExpressions.Regex.Match(l, @"\(default in ([^)]*)\)") is { Success: true } m
                    && m.Groups[1].Value.Split(" and ").Contains(version));
    }

    [Fact]
    public void List_of_an_unknown_topic_is_bad_input()
    {
        var r = CliRun.Run("list", "drivers");
        Assert.Equal(2, r.Exit);
        Assert.Contains("drivers", r.Err, StringComparison.Ordinal);
    }
}
