using System.Text;

namespace Checker.Cli.Output;

/// <summary>
/// Reads an input file (scenario, dump, JSON document) with its size bounded before anything is
/// read: the path is stat-ed first (a FIFO, a device or a directory is refused without opening
/// it), its size checked against the limit, then at most limit + 1 bytes are read, so a file that
/// grows or lies about its size is still caught. The text must be UTF-8 (a UTF-8 or UTF-16 byte
/// order mark is honoured); an invalid byte is reported at its line.
/// </summary>
public static class InputFile
{
    /// <summary>The largest input of any kind: 64 MiB, the scenario limit.</summary>
    public const long DefaultLimit = Model.Scenario.ScenarioLimits.MaxTextBytes;

    /// <param name="path">The file as the user gave it.</param>
    /// <param name="what">What the file is, for messages: "scenario", "lspci -vvv dump", "counterexample".</param>
    public static string ReadText(string path, string what, long limit = DefaultLimit)
    {
        var bytes = ReadBytes(path, what, limit);
        var text = Decode(path, bytes);
        // No input of the checker is text with control characters in it: YAML forbids them, JSON
        // escapes them, and a dump holding one (a NUL, a terminal colour code) is damaged or binary.
        int bad = text.AsSpan().IndexOfAnyInRange('\0', '\u001f');
        while (bad >= 0 && text[bad] is '\t' or '\n' or '\r')
        {
            int next = text.AsSpan(bad + 1).IndexOfAnyInRange('\0', '\u001f');
            bad = next < 0 ? -1 : bad + 1 + next;
        }
        if (bad >= 0)
        {
            int line = 1 + text.AsSpan(0, bad).Count('\n');
            var hint = text[bad] == '\u001b' ? " (a terminal colour code: run the command with colours off)" : "";
            throw new UsageException($"{path}:{line}: (file): control character U+{(int)text[bad]:X4} in the {what}: not a text file{hint}");
        }
        return text;
    }

    public static byte[] ReadBytes(string path, string what, long limit = DefaultLimit)
    {
        if (path.Length == 0)
            throw new UsageException($"\"\": empty {what} path");
        if (path.Contains('\0'))
            throw new UsageException($"{path}: a {what} path must not contain a NUL character");
        var (kind, size) = FileKinds.Of(path);
        switch (kind)
        {
            case FileKind.Missing:
                throw new UsageException($"{path}: no such {what} file");
            case FileKind.Regular:
                break;
            default:
                throw new UsageException($"{path}: the {what} is {FileKinds.Describe(kind)}, not a regular file");
        }
        if (size > limit)
            throw new UsageException($"{path}: the {what} is {size} bytes, larger than the limit of {limit} bytes");
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            var buffer = new MemoryStream((int)Math.Min(size + 1, limit + 1));
            var chunk = new byte[81920];
            int read;
            while ((read = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, limit + 1 - buffer.Length))) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > limit)
                    throw new UsageException($"{path}: the {what} is larger than the limit of {limit} bytes (it grew while being read)");
            }
            return buffer.ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{path}: cannot read the {what}: {e.Message}");
        }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static string Decode(string path, byte[] bytes)
    {
        var (encoding, skip) = bytes switch
        {
            [0xEF, 0xBB, 0xBF, ..] => ((Encoding)StrictUtf8, 3),
            [0xFF, 0xFE, ..] => (new UnicodeEncoding(bigEndian: false, byteOrderMark: false, throwOnInvalidBytes: true), 2),
            [0xFE, 0xFF, ..] => (new UnicodeEncoding(bigEndian: true, byteOrderMark: false, throwOnInvalidBytes: true), 2),
            _ => (StrictUtf8, 0),
        };
        try
        {
            return encoding.GetString(bytes, skip, bytes.Length - skip);
        }
        catch (DecoderFallbackException e)
        {
            int at = Math.Clamp(skip + Math.Max(0, e.Index), skip, bytes.Length);
            // The line is counted in the text before the bad byte, decoded leniently in the same encoding.
            var lenient = skip == 2 ? new UnicodeEncoding(bigEndian: bytes[0] == 0xFE, byteOrderMark: false) : (Encoding)new UTF8Encoding(false);
            int line = 1 + lenient.GetString(bytes, skip, at - skip).Count(c => c == '\n');
            throw new UsageException($"{path}:{line}: (file): not valid {(skip == 2 ? "UTF-16" : "UTF-8")} text near byte {at}");
        }
    }
}
