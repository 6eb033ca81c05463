using System.Text.Encodings.Web;
using System.Text.Json;

namespace Checker.Cli.Rendering;

/// <summary>Deterministic JSON output: indented, `\n` newlines, readable escaping, written whole or not at all.</summary>
public static class JsonOut
{
    public static string Write(Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions
        {
            Indented = true,
            NewLine = "\n",
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }))
        {
            body(writer);
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    public static void StringArray(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
            w.WriteStringValue(v);
        w.WriteEndArray();
    }

    /// <summary>Writes TEXT to PATH atomically (temporary file, flush to disk, rename), or to STDOUT when PATH is "-".</summary>
    public static void ToFileOrStdout(string path, string text, TextWriter stdout)
    {
        if (path == "-")
        {
            stdout.Write(text);
            return;
        }
        AtomicFile.Write(path, text);
    }
}

/// <summary>Writes a file so that a reader never sees it half-written: a one-file <see cref="Output.OutputPlan"/>.</summary>
public static class AtomicFile
{
    public static void Write(string path, string text, string flag = "output")
    {
        var plan = new Output.OutputPlan();
        plan.Set(plan.File(flag, path), text);
        plan.Commit(TextWriter.Null);
    }
}
