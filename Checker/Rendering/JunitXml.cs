using System.Collections.Immutable;
using System.Globalization;
using System.Xml.Linq;

namespace Checker.Cli.Rendering;

/// <summary>How one JUnit test case ended: passed, failed (a counterexample), skipped (not finished), error (the checker failed).</summary>
public enum JunitOutcome { Passed, Failure, Skipped, Error }

/// <summary>One test case: a property (or a matrix cell); MESSAGE and TEXT say why it failed or was skipped; SECONDS when it was timed alone.</summary>
public sealed record JunitCase(string ClassName, string Name, JunitOutcome Outcome, string? Message = null, string? Text = null, double? Seconds = null);

/// <summary>One test suite: a run of check or explore, or one row of a matrix; SECONDS is its wall-clock time.</summary>
public sealed record JunitSuite(string Name, ImmutableArray<JunitCase> Cases, double Seconds);

/// <summary>
/// Writes JUnit XML in the form CI servers validate (junit-10.xsd, checked in as
/// Model.Tests/Fixtures/junit-10.xsd): `testsuites` with totals, each `testsuite` with `tests`,
/// `failures`, `errors`, `skipped` and `time`, each `testcase` with its outcome element. The
/// `time` attributes are the only wall-clock figures; everything else is a function of the run.
/// </summary>
public static class JunitXml
{
    public static string Write(IReadOnlyCollection<JunitSuite> suites)
    {
        var all = suites.SelectMany(s => s.Cases).ToList();
        var root = new XElement("testsuites",
            new XAttribute("tests", all.Count),
            new XAttribute("failures", all.Count(c => c.Outcome == JunitOutcome.Failure)),
            new XAttribute("errors", all.Count(c => c.Outcome == JunitOutcome.Error)),
            new XAttribute("time", Seconds(suites.Sum(s => s.Seconds))),
            suites.Select(Suite));
        var doc = new XDocument(new XDeclaration("1.0", "utf-8", null), root);
        return doc.Declaration + "\n" + doc + "\n";
    }

    public static string Write(JunitSuite suite) => Write([suite]);

    private static XElement Suite(JunitSuite s) => new("testsuite",
        new XAttribute("name", s.Name),
        new XAttribute("tests", s.Cases.Length),
        new XAttribute("failures", s.Cases.Count(c => c.Outcome == JunitOutcome.Failure)),
        new XAttribute("errors", s.Cases.Count(c => c.Outcome == JunitOutcome.Error)),
        new XAttribute("skipped", s.Cases.Count(c => c.Outcome == JunitOutcome.Skipped)),
        new XAttribute("time", Seconds(s.Seconds)),
        s.Cases.Select(Case));

    private static XElement Case(JunitCase c)
    {
        var tc = new XElement("testcase", new XAttribute("classname", c.ClassName), new XAttribute("name", c.Name));
        if (c.Seconds is double seconds)
            tc.Add(new XAttribute("time", Seconds(seconds)));
        var element = c.Outcome switch
        {
            JunitOutcome.Failure => "failure",
            JunitOutcome.Skipped => "skipped",
            JunitOutcome.Error => "error",
            _ => null,
        };
        if (element is not null)
        {
            var outcome = new XElement(element);
            if (c.Message is not null)
                outcome.Add(new XAttribute("message", Clean(c.Message)));
            if (c.Text is not null)
                outcome.Add(Clean(c.Text));
            tc.Add(outcome);
        }
        return tc;
    }

    /// <summary>Seconds with three decimals, no grouping, invariant culture (the schema's SUREFIRE_TIME).</summary>
    public static string Seconds(double seconds) => Math.Max(0, seconds).ToString("0.000", CultureInfo.InvariantCulture);

    /// <summary>TEXT without the characters XML 1.0 cannot hold (a boot log is ASCII, but a scenario name may not be).</summary>
    private static string Clean(string text) =>
        text.Any(ch => !XmlConvertIsValid(ch)) ? new string([.. text.Where(XmlConvertIsValid)]) : text;

    private static bool XmlConvertIsValid(char ch) => System.Xml.XmlConvert.IsXmlChar(ch) || char.IsSurrogate(ch);
}
