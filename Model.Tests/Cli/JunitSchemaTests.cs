using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;
using Checker.Model.Tests.Support;

namespace Checker.Model.Tests.Cli;

/// <summary>The JUnit reports of check, explore and matrix, validated against junit-10.xsd (Model.Tests/Fixtures).</summary>
public class JunitSchemaTests
{
    private static readonly Lazy<XmlSchemaSet> Schema = new(() =>
    {
        var set = new XmlSchemaSet();
        using var reader = XmlReader.Create(Path.Combine(ScenarioFiles.RepoRoot, "Model.Tests", "Fixtures", "junit-10.xsd"));
        set.Add(null, reader);
        set.Compile();
        return set;
    });

    /// <summary>Runs the command with `--junit FILE`, validates the file and returns it parsed.</summary>
    private static (int Exit, XDocument Report) RunAndValidate(params string[] args)
    {
        var path = Path.Combine(Path.GetTempPath(), $"checker-junit-{Guid.NewGuid():N}.xml");
        try
        {
            var r = CliRun.Run([.. args, "--junit", path]);
            Assert.True(r.Exit is 0 or 1 or 4, $"exit {r.Exit}: {r.Err}");
            var errors = Validate(File.ReadAllText(path));
            Assert.True(errors.Count == 0, string.Join("\n", errors));
            return (r.Exit, XDocument.Load(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static List<string> Validate(string xml)
    {
        var errors = new List<string>();
        var settings = new XmlReaderSettings { ValidationType = ValidationType.Schema, Schemas = Schema.Value };
        settings.ValidationFlags |= XmlSchemaValidationFlags.ReportValidationWarnings;
        settings.ValidationEventHandler += (_, e) => errors.Add($"{e.Severity} line {e.Exception.LineNumber}: {e.Message}");
        using var reader = XmlReader.Create(new StringReader(xml), settings);
        while (reader.Read())
        {
        }
        return errors;
    }

    private static void AssertCountsAndTimes(XDocument doc)
    {
        foreach (var suite in doc.Descendants("testsuite"))
        {
            var cases = suite.Elements("testcase").ToList();
            Assert.Equal(cases.Count, (int)suite.Attribute("tests")!);
            Assert.Equal(cases.Count(c => c.Element("failure") is not null), (int)suite.Attribute("failures")!);
            Assert.Equal(cases.Count(c => c.Element("error") is not null), (int)suite.Attribute("errors")!);
            Assert.Equal(cases.Count(c => c.Element("skipped") is not null), (int)suite.Attribute("skipped")!);
            Assert.Matches(@"^\d+\.\d{3}$", (string)suite.Attribute("time")!);
        }
        Assert.NotNull(doc.Root!.Attribute("time"));
        Assert.NotNull(doc.Root.Attribute("errors"));
    }

    [Fact]
    public void The_schema_rejects_a_suite_without_errors_the_form_checker_wrote_before()
    {
        var errors = Validate("<testsuites><testsuite name=\"s\" tests=\"1\" failures=\"0\"><testcase name=\"c\"/></testsuite></testsuites>");
        Assert.Contains(errors, e => e.Contains("errors", StringComparison.Ordinal));
        Assert.NotEmpty(Validate("<testsuites><testsuite name=\"s\" tests=\"1\" failures=\"0\" errors=\"0\" time=\"1,5\"/></testsuites>"));
    }

    [Fact]
    public void Check_junit_with_a_counterexample_is_valid_junit_10()
    {
        var (exit, doc) = RunAndValidate("check", "scenarios/hisilicon-d05-builtin.yaml", "--seed", "1");
        Assert.Equal(1, exit);
        AssertCountsAndTimes(doc);
        Assert.Single(doc.Descendants("failure"));
    }

    [Fact]
    public void Check_junit_that_passes_is_valid_junit_10()
    {
        var (exit, doc) = RunAndValidate("check", "scenarios/probe-deferral-basic.yaml", "--max-tests", "50");
        Assert.Equal(0, exit);
        AssertCountsAndTimes(doc);
        Assert.Empty(doc.Descendants("failure"));
    }

    [Fact]
    public void Explore_junit_is_valid_junit_10()
    {
        var (exit, doc) = RunAndValidate("explore", "scenarios/coherent-mask-overflow.yaml", "--depth", "12");
        Assert.Equal(1, exit);
        AssertCountsAndTimes(doc);
        Assert.Contains(doc.Descendants("testcase"), c => (string?)c.Attribute("name") == "CoherentMaskCoversRange" && c.Element("failure") is not null);
    }

    [Fact]
    public void Explore_junit_stopped_by_the_depth_bound_marks_the_unfinished_properties_skipped_and_stays_valid()
    {
        var (exit, doc) = RunAndValidate("explore", "scenarios/hisilicon-d05-builtin.yaml", "--depth", "3");
        Assert.Equal(4, exit);
        AssertCountsAndTimes(doc);
        var skipped = doc.Descendants("skipped").ToList();
        Assert.Equal(12, skipped.Count);
        // CoherentMaskCoversRange and IommuReloadIsClean have nothing to compare on the D05 (no DT device, no modular IOMMU driver).
        Assert.All(skipped, s => Assert.Matches("^(incomplete|vacuous): ", (string)s.Attribute("message")!));
    }

    [Fact]
    public void Matrix_junit_is_valid_junit_10_with_one_suite_per_row_and_timed_cells()
    {
        var (exit, doc) = RunAndValidate("matrix", "scenarios/hisilicon-d05-builtin.yaml", "--property", "NonAcsSiblingsShareGroup", "--max-tests", "20");
        Assert.Equal(1, exit);
        AssertCountsAndTimes(doc);
        var suites = doc.Descendants("testsuite").ToList();
        Assert.True(suites.Count > 1);
        Assert.All(doc.Descendants("testcase"), c => Assert.NotNull(c.Attribute("time")));
        Assert.Contains(suites, s => ((string)s.Attribute("name")!).EndsWith("groups=probe-time", StringComparison.Ordinal)
            && s.Descendants("failure").Any());
    }
}
