using System.Collections.Immutable;
using System.Xml.Linq;
using Checker.Cli.Commands;
using Checker.Properties.Verdicts;

namespace Checker.Cli.Rendering;

/// <summary>
/// JUnit XML reports: one test case per property, a `failure` with the counterexample when it is
/// broken, `skipped` with the reason when its verdict is incomplete or vacuous (the run did not
/// finish it, or it had nothing to check), nothing when it passed.
/// </summary>
public static class Junit
{
    public static string Report(string scenario, CheckResult result) =>
        Document($"checker check {scenario}", scenario, result.Verdicts, p => result.Reports.FirstOrDefault(r => r.Property == p));

    /// <summary>The report of VERDICTS: REPORT gives a broken property's counterexample.</summary>
    public static string Document(string suiteName, string scenario, ImmutableArray<PropertyVerdict> verdicts, Func<string, CounterexampleReport?> report)
    {
        var cases = verdicts.Select(v =>
        {
            var tc = new XElement("testcase", new XAttribute("classname", scenario), new XAttribute("name", v.Property));
            if (v.Verdict.Kind == VerdictKind.Counterexample && report(v.Property) is { } r)
                tc.Add(new XElement("failure", new XAttribute("message", r.Shrunk.Violation.Message), r.Text()));
            else if (v.Verdict.Kind is VerdictKind.Incomplete or VerdictKind.Vacuous)
                tc.Add(new XElement("skipped", new XAttribute("message", $"{v.Verdict.Word}: {v.Verdict.Reason}")));
            return tc;
        }).ToList();
        var suite = new XElement("testsuite",
            new XAttribute("name", suiteName),
            new XAttribute("tests", cases.Count),
            new XAttribute("failures", verdicts.Count(v => v.Verdict.Kind == VerdictKind.Counterexample)),
            new XAttribute("skipped", verdicts.Count(v => v.Verdict.Kind is VerdictKind.Incomplete or VerdictKind.Vacuous)),
            cases);
        var doc = new XDocument(new XDeclaration("1.0", "utf-8", null), new XElement("testsuites", suite));
        return doc.Declaration + "\n" + doc + "\n";
    }
}
