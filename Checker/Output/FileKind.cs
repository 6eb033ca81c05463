using System.Runtime.InteropServices;

namespace Checker.Cli.Output;

/// <summary>What a path names, asked of the file system without opening it (opening a FIFO blocks).</summary>
public enum FileKind { Missing, NoAccess, Regular, Directory, Fifo, CharacterDevice, BlockDevice, Socket, Other }

/// <summary>
/// stat(2) of a path, following symbolic links. .NET's FileInfo does not tell a FIFO or a device
/// from a regular file, and opening a FIFO to find out blocks until a writer appears, so this asks
/// the runtime's own native shim (the one FileInfo uses), whose FileStatus record has the same
/// layout on every platform .NET runs on: Flags, Mode, Uid, Gid (4 bytes each), then Size.
/// </summary>
public static class FileKinds
{
    private const int ModeOffset = 4;
    private const int SizeOffset = 16;
    private const int StatusBytes = 256;

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat", CharSet = CharSet.Ansi, SetLastError = true)]
    private static extern int Stat(string path, IntPtr status);

    /// <summary>The kind of PATH and its size in bytes (0 unless a regular file).</summary>
    public static (FileKind Kind, long Size) Of(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            try
            {
                return OfNative(path);
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                // An unusual runtime layout: fall back to what FileInfo knows.
            }
        }
        if (Directory.Exists(path))
            return (FileKind.Directory, 0);
        var info = new FileInfo(path);
        return info.Exists ? (FileKind.Regular, info.Length) : (FileKind.Missing, 0);
    }

    private static (FileKind, long) OfNative(string path)
    {
        var status = Marshal.AllocHGlobal(StatusBytes);
        try
        {
            if (Stat(path, status) != 0)
                // EACCES is 13 on Linux and macOS: a directory on the way cannot be searched.
                return (Marshal.GetLastPInvokeError() == 13 ? FileKind.NoAccess : FileKind.Missing, 0);
            int mode = Marshal.ReadInt32(status, ModeOffset);
            long size = Marshal.ReadInt64(status, SizeOffset);
            var kind = (mode & 0xF000) switch
            {
                0x8000 => FileKind.Regular,
                0x4000 => FileKind.Directory,
                0x1000 => FileKind.Fifo,
                0x2000 => FileKind.CharacterDevice,
                0x6000 => FileKind.BlockDevice,
                0xC000 => FileKind.Socket,
                _ => FileKind.Other,
            };
            return (kind, kind == FileKind.Regular ? size : 0);
        }
        finally
        {
            Marshal.FreeHGlobal(status);
        }
    }

    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Directory => "a directory",
        FileKind.Fifo => "a FIFO (named pipe)",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Socket => "a socket",
        FileKind.Regular => "a regular file",
        FileKind.Missing => "missing",
        FileKind.NoAccess => "not accessible (permission denied)",
        _ => "not a regular file",
    };
}
