package dev.heirloom.provider.vfs;

/** {@code vfs+ftps://user@host[:port]/path}: FTPS (explicit TLS) through Commons VFS. */
public final class FtpsVfsProvider extends VfsTargetProvider {
    public FtpsVfsProvider() {
        super("ftps", 21);
    }
}
