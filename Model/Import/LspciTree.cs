using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Checker.Model.State;

namespace Checker.Model.Import;

/// <summary>A host bridge of `lspci -tv`: `[DDDD:BB]`.</summary>
public sealed record TreeHostBridge(int Domain, int RootBus, int Line);

/// <summary>A function of `lspci -tv`: its address, parent bridge (none: on the root bus), secondary bus if a bridge, name.</summary>
public sealed record TreeDevice(Bdf Address, Bdf? Parent, int? SecondaryBus, string Description, int Line, bool Bridge = false)
{
    /// <summary>A bridge: it has a secondary bus, or (read from a listing) its class says so though nothing is known below it.</summary>
    public bool IsBridge => Bridge || SecondaryBus is not null;
}

/// <summary>The PCI tree printed by `lspci -tv`: host bridges and functions, parents before children.</summary>
public sealed record LspciTree(ImmutableArray<TreeHostBridge> HostBridges, ImmutableArray<TreeDevice> Devices)
{
    private static readonly Regex HostBridgeToken = new("\\G\\[(?:(" + PciDomain.Pattern + "):)?([0-9a-f]{2})\\]", RegexOptions.IgnoreCase);
    private static readonly Regex DeviceToken = new("\\G([0-9a-f]{2})\\.([0-7])", RegexOptions.IgnoreCase);
    private static readonly Regex BusRange = new("\\G-\\[([0-9a-f]{2})(?:-([0-9a-f]{2}))?\\]", RegexOptions.IgnoreCase);

    /// <summary>
    /// Parses `lspci -tv` (or `-t`, `-tvv`) text. The tree art is read column by column: a `+-` or
    /// `\-` opens or closes a branch of the node it hangs from, and a line that starts with `|` and
    /// blanks continues the open branch in the column of its `+-`/`\-`.
    /// </summary>
    public static LspciTree Parse(string file, string text)
    {
        var sections = PastedText.Sections(text);
        if (sections.IsEmpty)
            throw new ImportException(file, 1, "no host bridge: not `lspci -tv` output (the file is empty)");
        if (sections.Length > 1)
            throw new ImportException(file, sections[1].Lines[0].Line, $"a second dump ({sections[1].What}) after the tree: give each dump its own file");
        return Parse(file, sections[0]);
    }

    /// <summary>Whether LINE can start `lspci -t` output: tree art up to a host bridge `[DDDD:BB]`.</summary>
    public static bool Starts(string line) => TreeStart.IsMatch(line);

    private static readonly Regex TreeStart = new("^[-+\\| ]*-\\[(?:" + PciDomain.Pattern + ":)?[0-9a-fA-F]{2}\\]");

    /// <summary>Parses the lines of one `lspci -t` section; a line a mailer wrapped is joined to the description it continues.</summary>
    public static LspciTree Parse(string file, DumpSection section)
    {
        var parser = new TreeParser(file, section.What);
        DumpLine? previous = null;
        foreach (var l in section.Lines)
        {
            if (l.Text[0] is not (' ' or '|' or '+' or '\\' or '-') && previous is { MayContinue: true } && parser.Continue(l.Text.Trim()))
            {
                previous = l;
                continue;
            }
            parser.ParseLine(l.Line, l.Text);
            previous = l;
        }
        return parser.Finish();
    }

    /// <summary>One node the tree art hangs children from: a host bridge, or a bridge function.</summary>
    private sealed record Node(int Domain, int ChildBus, Bdf? Device);

    private sealed class TreeParser
    {
        /// <summary>The key of the top-level branch (host bridges) among the open branches, which are keyed by column.</summary>
        private const int TopLevel = -1;
        private static readonly Node Top = new(-1, -1, null);
        private readonly ImmutableArray<TreeHostBridge>.Builder _bridges = ImmutableArray.CreateBuilder<TreeHostBridge>();
        private readonly ImmutableArray<TreeDevice>.Builder _devices = ImmutableArray.CreateBuilder<TreeDevice>();
        private readonly Dictionary<Bdf, int> _seen = [];
        private readonly Dictionary<int, (Node Parent, int Line)> _open = [];
        private readonly string _file;
        private readonly string _what;

        public TreeParser(string file, string what) => (_file, _what) = (file, what);

        /// <summary>Appends TEXT to the description of the last device, when it has one (a wrapped line).</summary>
        public bool Continue(string text)
        {
            if (_devices.Count == 0 || _devices[^1].Description.Length == 0)
                return false;
            _devices[^1] = _devices[^1] with { Description = _devices[^1].Description + " " + text };
            return true;
        }

        public void ParseLine(int line, string s)
        {
            Node? current = null;
            int i = 0;
            while (i < s.Length)
            {
                char c = s[i];
                if (c is ' ' or '|' && current is null)
                    i++;
                else if (c == ' ')
                {
                    Describe(current!, s[i..].Trim(), line);
                    return;
                }
                else if (c is '+' or '\\' && i + 1 < s.Length && s[i + 1] == '-')
                {
                    current = Branch(line, s, i, c == '+', current);
                    i += 2;
                }
                else if (c == '-')
                    i++;
                else if (HostBridgeToken.Match(s, i) is { Success: true } hb)
                {
                    if (current is not null && current != Top)
                        throw Error(line, i, "a host bridge [DDDD:BB] can only start a hierarchy");
                    current = AddHostBridge(line, hb);
                    i += hb.Length;
                }
                else if (DeviceToken.Match(s, i) is { Success: true } dev)
                {
                    if (current is null || current == Top)
                        throw Error(line, i, "a device must hang from a host bridge or a bridge ('+-', '\\-' or '--' before it)");
                    if (current.ChildBus < 0)
                        throw Error(line, i, "a device cannot hang from a function that is not a bridge");
                    i += dev.Length;
                    var range = BusRange.Match(s, i);
                    if (!range.Success && i + 1 < s.Length && s[i] == '-' && s[i + 1] == '[')
                        throw Error(line, i, "unterminated bus range after a bridge (truncated line?)");
                    current = AddDevice(line, current, dev, range.Success ? Convert.ToInt32(range.Groups[1].Value, 16) : null);
                    if (range.Success)
                        i += range.Length;
                }
                else
                    throw Error(line, i, $"unexpected '{c}' in the tree: expected `lspci -t` tree art ('+-', '\\-', '|', '[DDDD:BB]', 'DD.F') in {_what}, "
                        + $"saw '{PastedText.Clip(s.Trim())}'");
            }
            var end = s.TrimEnd();
            if (end.EndsWith("+-", StringComparison.Ordinal) || end.EndsWith("\\-", StringComparison.Ordinal))
                throw Error(line, s.TrimEnd().Length, "a branch with no device after it (truncated line?)");
        }

        private Node Branch(int line, string s, int col, bool more, Node? current)
        {
            int j = col + 2;
            while (j < s.Length && s[j] == '-')
                j++;
            bool topLevel = j < s.Length && s[j] == '[';
            if (topLevel)
            {
                if (!more)
                    _open.Remove(TopLevel);
                else if (!_open.ContainsKey(TopLevel))
                    _open[TopLevel] = (Top, line);
                return Top;
            }
            Node parent;
            if (current is not null)
                parent = current;
            else if (_open.TryGetValue(col, out var open))
                parent = open.Parent;
            else
                throw Error(line, col, "this branch continues no open branch above it in this column");
            if (more)
                _open[col] = (parent, _open.TryGetValue(col, out var o) && o.Parent == parent ? o.Line : line);
            else
                _open.Remove(col);
            return parent;
        }

        private Node AddHostBridge(int line, Match m)
        {
            int domain = m.Groups[1].Success
                ? PciDomain.Parse(m.Groups[1].Value, out var why) ?? throw new ImportException(_file, line, $"host bridge [{m.Groups[1].Value}:{m.Groups[2].Value}]: {why}")
                : 0;
            int bus = Convert.ToInt32(m.Groups[2].Value, 16);
            if (_bridges.FirstOrDefault(b => b.Domain == domain && b.RootBus == bus) is { } dup)
                throw new ImportException(_file, line, $"host bridge [{PciDomain.Format(domain)}:{bus:x2}] appears twice (first at line {dup.Line})");
            _bridges.Add(new TreeHostBridge(domain, bus, line));
            return new Node(domain, bus, null);
        }

        private Node AddDevice(int line, Node parent, Match m, int? secondary)
        {
            var bdf = new Bdf(parent.Domain, parent.ChildBus, Convert.ToInt32(m.Groups[1].Value, 16), Convert.ToInt32(m.Groups[2].Value, 16));
            if (bdf.Slot > 0x1f)
                throw new ImportException(_file, line, $"device number {bdf.Slot:x2} is above 1f");
            if (_seen.TryGetValue(bdf, out var first))
                throw new ImportException(_file, line, $"duplicate device {bdf} (first at line {first})");
            _seen[bdf] = line;
            _devices.Add(new TreeDevice(bdf, parent.Device, secondary, "", line));
            return new Node(bdf.Domain, secondary ?? -1, secondary is null ? null : bdf);
        }

        private void Describe(Node current, string description, int line)
        {
            if (current.Device is null && _devices.Count > 0 && _devices[^1].Line == line)
                _devices[^1] = _devices[^1] with { Description = description };
            else if (current.Device is { } bdf && _devices.Count > 0 && _devices[^1].Address == bdf)
                _devices[^1] = _devices[^1] with { Description = description };
            else
                throw new ImportException(_file, line, $"text '{description}' follows no device");
        }

        public LspciTree Finish()
        {
            if (_open.Count > 0)
            {
                var (column, (_, line)) = _open.OrderBy(o => o.Value.Line).First();
                throw new ImportException(_file, line, column == TopLevel
                    ? "the list of host bridges opened here never ends with '\\-[' (truncated file?)"
                    : "the branch opened here ('+-') never ends with '\\-' (truncated file?)");
            }
            if (_bridges.Count == 0)
                throw new ImportException(_file, 1, $"no host bridge in {_what}: not `lspci -tv` output");
            return new LspciTree(_bridges.ToImmutable(), _devices.ToImmutable());
        }

        private ImportException Error(int line, int col, string message) =>
            new(_file, line, $"column {col + 1}: {message}");
    }
}
