package dev.heirloom.provider.vfs;

/** {@code vfs+webdav4://user@host[:port]/path}: WebDAV over HTTP through Commons VFS. */
public final class WebdavVfsProvider extends VfsTargetProvider {
    public WebdavVfsProvider() {
        super("webdav4", 80);
    }
}
