using Spectre.Console;
using Spectre.Console.Rendering;

namespace Checker.Cli.Rendering;

/// <summary>
/// The one table style of matrix, validate and corpus (Spectre.Console): no border, columns two
/// spaces apart, a bold header, verdicts coloured on a terminal. Colour only when the writer is the
/// console's stdout on a terminal and NO_COLOR is not set; otherwise plain text of a fixed width,
/// so output to a pipe or a file is the same bytes on every machine.
/// </summary>
public static class Tables
{
    /// <summary>Width of a table written to a pipe or file: wide enough that no table wraps.</summary>
    private const int PlainWidth = 400;

    /// <summary>Whether output to WRITER may be coloured.</summary>
    public static bool Colour(TextWriter writer) =>
        ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected
        && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"))
        && Environment.GetEnvironmentVariable("TERM") != "dumb";

    /// <summary>A table in the style, with these column headers.</summary>
    public static Table Create(params string[] headers)
    {
        var table = new Table().Border(TableBorder.None);
        foreach (var header in headers)
            table.AddColumn(new TableColumn(new Markup($"[bold]{Markup.Escape(header)}[/]")) { Padding = new Padding(0, 0, 2, 0) });
        return table;
    }

    /// <summary>A plain cell (TEXT escaped).</summary>
    public static IRenderable Cell(string text) => new Text(text);

    /// <summary>A cell in the colour of its meaning: broken in red, fine in green, unfinished in yellow.</summary>
    public static IRenderable Cell(string text, Tone tone) => new Text(text, tone switch
    {
        Tone.Bad => new Style(Color.Red),
        Tone.Good => new Style(Color.Green),
        Tone.Unfinished => new Style(Color.Yellow),
        _ => Style.Plain,
    });

    /// <summary>TABLE as text, each line without trailing spaces; ANSI colours only when COLOUR.</summary>
    public static string Render(Table table, bool colour)
    {
        var text = new StringWriter { NewLine = "\n" };
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(text),
            Ansi = colour ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = colour ? ColorSystemSupport.Standard : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = colour && !Console.IsOutputRedirected ? Math.Max(80, SafeWindowWidth()) : PlainWidth;
        console.Profile.Capabilities.Unicode = true;
        console.Write(table);
        var lines = text.ToString().Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        return string.Concat(lines.Take(lines.Length - 1).Select(l => l.TrimEnd() + "\n"));
    }

    private static int SafeWindowWidth()
    {
        try
        {
            return Console.WindowWidth;
        }
        catch (IOException)
        {
            return PlainWidth;
        }
    }
}

/// <summary>What a table cell says about the run, for its colour.</summary>
public enum Tone { Plain, Good, Bad, Unfinished }
