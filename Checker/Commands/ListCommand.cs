using System.CommandLine;
using Checker.Model.State;

namespace Checker.Cli.Commands;

/// <summary>`checker list properties|variants|events`: the vocabulary, each word with its meaning and kernel source.</summary>
public static class ListCommand
{
    public static Command Create(TextWriter stdout)
    {
        var topic = new Argument<string>("topic") { Description = "properties, variants or events" };
        topic.AcceptOnlyFromAmong([.. KernelReference.Topics]);
        var command = new Command("list",
            "Print every invariant (properties), policy variant (variants) or event form (events) with what it means "
            + "and the kernel code it comes from.\nExample: checker list variants")
        {
            topic,
        };
        command.SetAction(parse =>
        {
            var name = parse.GetValue(topic)!;
            stdout.Write(name == "variants" ? VariantsText() : EntriesText(KernelReference.Topic(name)!));
            return (int)ExitCode.Ok;
        });
        return command;
    }

    private static string EntriesText(IEnumerable<ReferenceEntry> entries) =>
        string.Concat(entries.Select(e => $"{e.Name}\n    {e.Meaning}\n    kernel: {e.Kernel}\n\n"));

    /// <summary>Each key, then its values indented, each marked with the eras whose default it is.</summary>
    private static string VariantsText()
    {
        var text = new System.Text.StringBuilder();
        foreach (var e in KernelReference.Variants)
        {
            int eq = e.Name.IndexOf('=');
            if (eq < 0)
            {
                text.Append($"{e.Name}\n    {e.Meaning}\n    kernel: {e.Kernel}\n");
                continue;
            }
            var (key, value) = (e.Name[..eq], e.Name[(eq + 1)..]);
            var eras = KernelEras.All.Where(era => Variants.ForEra(era.Era).ValueOf(key) == value).Select(era => era.Version).ToList();
            text.Append($"  {key}={value}{(eras.Count > 0 ? $"  (default in {string.Join(" and ", eras)})" : "")}\n");
            text.Append($"      {e.Meaning}\n      kernel: {e.Kernel}\n");
            if (KernelReference.Variants.SkipWhile(x => x != e).Skip(1).FirstOrDefault() is not { } next || !next.Name.Contains('='))
                text.Append('\n');
        }
        return text.ToString();
    }
}
