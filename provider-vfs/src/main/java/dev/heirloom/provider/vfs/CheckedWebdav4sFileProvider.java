package dev.heirloom.provider.vfs;

import org.apache.commons.vfs2.FileSystemException;
import org.apache.commons.vfs2.FileSystemOptions;
import org.apache.commons.vfs2.provider.http4.Http4FileSystemConfigBuilder;
import org.apache.commons.vfs2.provider.webdav4s.Webdav4sFileProvider;

import javax.net.ssl.SSLContext;

/**
 * Commons VFS's WebDAV-over-HTTPS provider with the server's certificate checked: the HTTP
 * provider it is built on loads its trust material with a trust-all strategy (any certificate
 * chain is accepted, only the host name is compared), so a stranger's certificate would do. Here
 * the TLS context trusts the JVM's certificates, or the target's trust store, and nothing else.
 */
final class CheckedWebdav4sFileProvider extends Webdav4sFileProvider {
    private final SSLContext context;

    /** @param context the TLS context every connection of this target uses */
    CheckedWebdav4sFileProvider(SSLContext context) {
        this.context = context;
    }

    @Override
    protected SSLContext createSSLContext(Http4FileSystemConfigBuilder builder, FileSystemOptions options)
            throws FileSystemException {
        return context;
    }
}
