package dev.heirloom.provider.vfs;

import dev.heirloom.spi.InvalidConfigException;
import org.apache.commons.vfs2.CacheStrategy;
import org.apache.commons.vfs2.FileSystemException;
import org.apache.commons.vfs2.FileSystemOptions;
import org.apache.commons.vfs2.auth.StaticUserAuthenticator;
import org.apache.commons.vfs2.cache.NullFilesCache;
import org.apache.commons.vfs2.impl.DefaultFileSystemConfigBuilder;
import org.apache.commons.vfs2.impl.DefaultFileSystemManager;
import org.apache.commons.vfs2.provider.ftp.FtpFileSystemConfigBuilder;
import org.apache.commons.vfs2.provider.ftps.FtpsDataChannelProtectionLevel;
import org.apache.commons.vfs2.provider.ftps.FtpsFileSystemConfigBuilder;
import org.apache.commons.vfs2.provider.ftps.FtpsMode;
import org.apache.commons.vfs2.provider.webdav4.Webdav4FileSystemConfigBuilder;
import org.apache.commons.vfs2.provider.webdav4.Webdav4FileProvider;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.KeyStore;

/**
 * A Commons VFS manager of this target's own, knowing only the protocols Heirloom bridges (never
 * SFTP), with no file-object cache (every call resolves its files afresh), and the options for one target.
 */
final class VfsFileSystems {
    private VfsFileSystems() {
    }

    /** @param tls the TLS context of a {@code webdav4s} target (null for the others, which get no webdav4s provider) */
    static DefaultFileSystemManager manager(SSLContext tls) throws FileSystemException {
        DefaultFileSystemManager m = new DefaultFileSystemManager();
        // clients that list dot-files: VFS finds .heirloom-tmp through its folder's listing
        m.addProvider("ftp", new DotFileFtpProviders.Ftp());
        m.addProvider("ftps", new DotFileFtpProviders.Ftps());
        m.addProvider("webdav4", new Webdav4FileProvider());
        if (tls != null) {
            // Commons VFS's own trusts every certificate chain; this one checks the chain and the host name
            m.addProvider("webdav4s", new CheckedWebdav4sFileProvider(tls));
        }
        m.setFilesCache(new NullFilesCache());
        // every key is resolved afresh per call (no file-object cache), so what is known comes from
        // the server at that moment; within one call a folder's listing serves its children's sizes
        m.setCacheStrategy(CacheStrategy.ON_RESOLVE);
        m.init();
        return m;
    }

    static FileSystemOptions options(VfsSettings s) throws FileSystemException {
        FileSystemOptions o = new FileSystemOptions();
        if (s.user().isPresent() || s.password().isPresent()) {
            DefaultFileSystemConfigBuilder.getInstance().setUserAuthenticator(o,
                    new StaticUserAuthenticator(null, s.user().orElse("anonymous"), s.password().orElse("")));
        }
        if (s.protocol().startsWith("ftp")) {
            FtpFileSystemConfigBuilder ftp = s.protocol().equals("ftps") ? FtpsFileSystemConfigBuilder.getInstance()
                    : FtpFileSystemConfigBuilder.getInstance();
            ftp.setPassiveMode(o, s.passive());
            ftp.setUserDirIsRoot(o, false);
            ftp.setConnectTimeout(o, s.connectTimeout());
            ftp.setSoTimeout(o, s.readTimeout());
            ftp.setDataTimeout(o, s.readTimeout());
            ftp.setControlEncoding(o, "UTF-8");
            ftp.setMdtmLastModifiedTime(o, true);
            if (s.protocol().equals("ftps")) {
                FtpsFileSystemConfigBuilder ftps = FtpsFileSystemConfigBuilder.getInstance();
                ftps.setFtpsMode(o, FtpsMode.EXPLICIT);
                ftps.setDataChannelProtectionLevel(o, FtpsDataChannelProtectionLevel.P);
                // Commons Net checks the chain, never the host name: the trust manager checks both
                ftps.setTrustManager(o, new HostCheckingTrustManager(trustManager(s), s.host()));
            }
        } else {
            Webdav4FileSystemConfigBuilder http = Webdav4FileSystemConfigBuilder.getInstance();
            http.setConnectionTimeout(o, s.connectTimeout());
            http.setSoTimeout(o, s.readTimeout());
            http.setMaxTotalConnections(o, s.concurrency() * 2);
            http.setMaxConnectionsPerHost(o, s.concurrency() * 2);
            http.setFollowRedirect(o, false);
            // the host name is checked against the certificate (the default); nothing turns it off
            http.setHostnameVerificationEnabled(o, true);
        }
        return o;
    }

    /** A TLS context trusting what {@link #trustManager} trusts, for a certificate made out to the target's host. */
    static SSLContext sslContext(VfsSettings s) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new HostCheckingTrustManager(trustManager(s), s.host())}, null);
            return context;
        } catch (java.security.GeneralSecurityException e) {
            throw new InvalidConfigException("cannot make a TLS context: " + e.getMessage());
        }
    }

    /** The JVM's trusted certificates, or those of the configured trust store; never trust-all. */
    static X509TrustManager trustManager(VfsSettings s) {
        try {
            KeyStore store = null;
            if (s.trustStore().isPresent()) {
                store = KeyStore.getInstance(s.trustStore().get().toString().endsWith(".jks") ? "JKS" : "PKCS12");
                try (InputStream in = Files.newInputStream(s.trustStore().get())) {
                    store.load(in, s.trustStorePassword().orElse("").toCharArray());
                }
            }
            TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            f.init(store);
            for (TrustManager tm : f.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    return x;
                }
            }
            throw new InvalidConfigException("no X.509 trust manager in this JVM");
        } catch (java.io.IOException | java.security.GeneralSecurityException e) {
            throw new InvalidConfigException("option trustStore: cannot load " + s.trustStore().orElse(null) + ": "
                    + e.getMessage());
        }
    }
}
