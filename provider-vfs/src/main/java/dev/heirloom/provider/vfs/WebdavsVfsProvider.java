package dev.heirloom.provider.vfs;

/** {@code vfs+webdav4s://user@host[:port]/path}: WebDAV over HTTPS through Commons VFS. */
public final class WebdavsVfsProvider extends VfsTargetProvider {
    public WebdavsVfsProvider() {
        super("webdav4s", 443);
    }
}
