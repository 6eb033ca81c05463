namespace Checker.Model.State;

/// <summary>The data files embedded in the Model assembly (quirk and hardware tables, the pci.ids subset), and the rows of a tab-separated one.</summary>
public static class EmbeddedTable
{
    /// <summary>The text of the embedded resource RESOURCE (FILE is its name in messages).</summary>
    public static string Text(string resource, string file)
    {
        using var stream = typeof(EmbeddedTable).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"{file} is not embedded in the Model assembly");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>The rows of a table's TEXT with their 1-based line numbers: blank lines and `#` comments left out, a CR before the newline dropped.</summary>
    public static IEnumerable<(int Line, string Text)> Rows(string text)
    {
        int line = 0;
        foreach (var raw in text.Split('\n'))
        {
            line++;
            var s = raw.TrimEnd('\r');
            if (s.Length > 0 && !s.StartsWith('#'))
                yield return (line, s);
        }
    }
}
