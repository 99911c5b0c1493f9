package dev.heirloom.provider.vfs;

/** {@code vfs+ftp://user@host[:port]/path}: FTP through Commons VFS. */
public final class FtpVfsProvider extends VfsTargetProvider {
    public FtpVfsProvider() {
        super("ftp", 21);
    }
}
