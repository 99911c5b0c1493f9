/** FTP, FTPS and WebDAV targets through Apache Commons VFS, with atomic publishing done here. */
package dev.heirloom.provider.vfs;
