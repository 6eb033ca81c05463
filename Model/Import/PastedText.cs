using System.Collections.Immutable;
using System.Text.RegularExpressions;

namespace Checker.Model.Import;

/// <summary>
/// One line of a dump as it was pasted: its number in the file, its text with the mail quoting,
/// the carriage return and the trailing blanks taken off, and whether it ended in a blank (a
/// format=flowed soft break: the next line continues it).
/// </summary>
public readonly record struct DumpLine(int Line, string Text, bool Soft)
{
    /// <summary>Whether the next line may be the rest of this one: a soft break, or a line long enough for a mailer to have wrapped it.</summary>
    public bool MayContinue => Soft || Text.Length >= PastedText.WrapWidth;
}

/// <summary>The output of one command: the command line above it (null when the paste has none) and its lines.</summary>
public sealed record DumpSection(string? Command, int CommandLine, ImmutableArray<DumpLine> Lines)
{
    /// <summary>`the output of 'lspci -tv' (line 3)`, or `the text` when there was no command line.</summary>
    public string What => Command is null ? "the text" : $"the output of '{Command}' (line {CommandLine})";
}

/// <summary>
/// Text as it arrives from mail and forums: `&gt; ` quoting, shell prompts and command lines,
/// CRLF, trailing blanks, code fences, forum markup, a common indentation. The readers of every dump form
/// see only what the commands printed, split into one section per command.
/// </summary>
public static class PastedText
{
    /// <summary>Mailers wrap at 72 to 80 columns; a line this long may have been wrapped.</summary>
    public const int WrapWidth = 60;

    private static readonly Regex QuotePrefix = new("^(?:> ?)+");
    private static readonly Regex[] Prompts =
    [
        // user@host:~$ cmd, root@ubuntu:/sys#  cmd, user@host > cmd, user@host% cmd
        new("^[\\w.-]+@[\\w.-]+(?::[^\\s$#>%]*)?\\s*[$#>%]\\s*(?<cmd>.*)$"),
        // [root@localhost ~]# cmd
        new("^\\[[\\w.-]+@[\\w.-]+[^\\]]*\\][$#]\\s*(?<cmd>.*)$"),
        // $ cmd, # cmd, % cmd
        new("^[$#%]\\s+(?<cmd>.*)$"),
        // (base) user@host:~$, ~$ cmd, ~ # cmd
        new("^(?:\\([\\w.-]+\\)\\s*)?~?\\s*[$#]\\s+(?<cmd>.*)$"),
    ];

    /// <summary>A command typed without a prompt: the programs whose output the import reads, with sudo or a path.</summary>
    private static readonly Regex BareCommand = new(
        "^(?:sudo\\s+)?(?:/\\S*/)?(?:lspci|dmesg|journalctl|find|ls|for|cat|tree|grep)(?:\\s.*)?$");

    /// <summary>
    /// Forum markup (BBCode) that a post wraps round pasted lines, e.g. `[COLOR=#ff0000]...[/COLOR]`
    /// to highlight a line: the tags of the formatting kind only, so lspci's own brackets (`[0604]`,
    /// `[8086:1901]`, `[GeForce GTX 1660 Ti]`, `[MSI]`) stay. No chip name in pci.ids has one.
    /// </summary>
    private static readonly Regex ForumMarkup = new(
        "\\[/?(?:color|b|i|u|s|size|font|highlight|icode|code|quote|plain|noparse)(?:=[^\\]\\[]*)?\\]", RegexOptions.IgnoreCase);

    private static readonly Regex Fence = new("^(?:```\\w*|~~~\\w*|\\[/?code\\]|\\[/?quote\\])$", RegexOptions.IgnoreCase);
    /// <summary>A Markdown code fence: in a text that has one, only what is inside fences is command output.</summary>
    private static readonly Regex MarkdownFence = new("^(?:```|~~~)[\\w-]*$");

    /// <summary>The sections of TEXT, each with the lines its command printed (blank lines dropped).</summary>
    public static ImmutableArray<DumpSection> Sections(string text) => Read(text).Sections;

    /// <summary>
    /// The sections of TEXT, and the lines that show the kernel command line (`cat /proc/cmdline`,
    /// `GRUB_CMDLINE_LINUX=`, or prose outside a Markdown code block naming a parameter): those are
    /// not command output, and are kept apart for <see cref="KernelCommandLine"/>.
    /// </summary>
    public static (ImmutableArray<DumpSection> Sections, ImmutableArray<(int Line, string Text)> CommandLine) Read(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var raw = text.Split('\n');
        int count = raw.Length > 0 && raw[^1].Length == 0 ? raw.Length - 1 : raw.Length;
        var lines = new List<(int Line, string Text, bool Soft)>(count);
        for (int i = 0; i < count; i++)
        {
            // Web archives and mailers turn spaces into no-break spaces.
            var s = raw[i].TrimEnd('\r').Replace('\u00a0', ' ');
            if (s.Contains('[', StringComparison.Ordinal))
                s = ForumMarkup.Replace(s, "");
            lines.Add((i + 1, s, false));
        }
        bool quoted = IsQuoted(lines.Select(l => l.Text));
        // Markdown: the prose around the code blocks is no command's output.
        bool fenced = lines.Any(l => MarkdownFence.IsMatch((quoted ? QuotePrefix.Replace(l.Text, "", 1) : l.Text).Trim()));
        bool inFence = false;
        var kernelCmdline = ImmutableArray.CreateBuilder<(int, string)>();
        var sections = ImmutableArray.CreateBuilder<DumpSection>();
        string? command = null;
        int commandLine = 0;
        var current = ImmutableArray.CreateBuilder<DumpLine>();
        bool continuedCommand = false;
        void Flush()
        {
            if (current.Count > 0)
                sections.Add(new DumpSection(command, commandLine, Dedent(current.ToImmutable())));
            current.Clear();
        }
        foreach (var (line, original, _) in lines)
        {
            var s = quoted ? QuotePrefix.Replace(original, "", 1) : original;
            bool soft = s.Length > 0 && s[^1] == ' ' && s.TrimEnd().Length > 0;
            s = s.TrimEnd(' ', '\t');
            if (fenced && MarkdownFence.IsMatch(s.Trim()))
            {
                inFence = !inFence;
                continue;
            }
            if (fenced && !inFence)
            {
                if (KernelCommandLine.IsEvidence(s.Trim()))
                    kernelCmdline.Add((line, s.Trim()));
                continue;
            }
            if (s.Trim().Length == 0 || Fence.IsMatch(s.Trim()))
                continue;
            // A command line ending in a backslash goes on in the next line (the shell's continuation).
            if (continuedCommand)
            {
                continuedCommand = s.EndsWith('\\');
                command += " " + s.Trim().TrimEnd('\\').Trim();
                continue;
            }
            if (CommandOf(s) is { } cmd)
            {
                Flush();
                if (cmd.Length > 0)
                    (command, commandLine) = (cmd.TrimEnd('\\').Trim(), line);
                continuedCommand = s.EndsWith('\\');
                continue;
            }
            // Pastes of the IOMMU group script often start with `cat /proc/cmdline`; grub lines too.
            if (KernelCommandLine.IsCommandLine(s.Trim()))
            {
                kernelCmdline.Add((line, s.Trim()));
                continue;
            }
            current.Add(new DumpLine(line, s, soft));
        }
        Flush();
        return (sections.ToImmutable(), kernelCmdline.ToImmutable());
    }

    /// <summary>The command of a prompt or command line (empty for a bare prompt), or null for a line of output.</summary>
    public static string? CommandOf(string s)
    {
        foreach (var p in Prompts)
            if (p.Match(s) is { Success: true } m)
                return m.Groups["cmd"].Value.Trim();
        return BareCommand.IsMatch(s) ? s.Trim() : null;
    }

    /// <summary>Mail quoting: most non-blank lines start with `&gt;`.</summary>
    private static bool IsQuoted(IEnumerable<string> lines)
    {
        int quoted = 0, total = 0;
        foreach (var s in lines)
        {
            if (s.Trim().Length == 0)
                continue;
            total++;
            if (s.StartsWith('>'))
                quoted++;
        }
        return total > 0 && quoted * 10 >= total * 8;
    }

    /// <summary>Takes off an indentation every line shares (a Markdown code block, a forum's quote box).</summary>
    private static ImmutableArray<DumpLine> Dedent(ImmutableArray<DumpLine> lines)
    {
        var prefix = lines[0].Text[..(lines[0].Text.Length - lines[0].Text.TrimStart().Length)];
        foreach (var l in lines)
        {
            int n = 0;
            while (n < prefix.Length && n < l.Text.Length && l.Text[n] == prefix[n])
                n++;
            prefix = prefix[..n];
            if (prefix.Length == 0)
                return lines;
        }
        return [.. lines.Select(l => l with { Text = l.Text[prefix.Length..] })];
    }

    /// <summary>A line for an error message: at most 80 characters.</summary>
    public static string Clip(string s) => s.Length <= 80 ? s : s[..77] + "...";
}
