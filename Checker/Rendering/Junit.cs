using System.Collections.Immutable;
using System.Xml.Linq;
using Checker.Cli.Commands;
using Checker.Properties.Invariants;

namespace Checker.Cli.Rendering;

/// <summary>A JUnit XML report of a check: one test case per property.</summary>
public static class Junit
{
    public static string Report(string scenario, ImmutableArray<Invariant> invariants, CheckResult result)
    {
        var broken = result.Report?.Property;
        var cases = invariants.Select(inv =>
        {
            var tc = new XElement("testcase", new XAttribute("classname", scenario), new XAttribute("name", inv.Name));
            if (inv.Name == broken)
                tc.Add(new XElement("failure", new XAttribute("message", result.Report!.Shrunk.Violation.Message), result.Report.Text()));
            else if (broken is not null)
                tc.Add(new XElement("skipped", new XAttribute("message", "exploration stopped at the first counterexample")));
            return tc;
        }).ToList();
        var suite = new XElement("testsuite",
            new XAttribute("name", $"checker check {scenario}"),
            new XAttribute("tests", cases.Count),
            new XAttribute("failures", broken is null ? 0 : 1),
            new XAttribute("skipped", broken is null ? 0 : cases.Count - 1),
            cases);
        var doc = new XDocument(new XDeclaration("1.0", "utf-8", null), new XElement("testsuites", suite));
        return doc.Declaration + "\n" + doc + "\n";
    }
}
