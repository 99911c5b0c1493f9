package dev.heirloom.provider.vfs;

import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.vfs2.FileName;
import org.apache.commons.vfs2.FileSystem;
import org.apache.commons.vfs2.FileSystemException;
import org.apache.commons.vfs2.FileSystemOptions;
import org.apache.commons.vfs2.UserAuthenticationData;
import org.apache.commons.vfs2.provider.GenericFileName;
import org.apache.commons.vfs2.provider.ftp.FTPClientWrapper;
import org.apache.commons.vfs2.provider.ftp.FtpFileProvider;
import org.apache.commons.vfs2.provider.ftp.FtpFileSystem;
import org.apache.commons.vfs2.provider.ftps.FtpsClientFactory;
import org.apache.commons.vfs2.provider.ftps.FtpsFileProvider;
import org.apache.commons.vfs2.util.UserAuthenticatorUtils;

/**
 * Commons VFS's FTP and FTPS providers with clients that list dot-files ({@code LIST -a}). VFS learns
 * whether a file exists from its folder's listing, and ProFTPD (the FTP server of many NAS boxes)
 * leaves names starting with a dot out of a plain {@code LIST}: VFS then never finds the
 * provider's {@code .heirloom-tmp} folder, tries to create it again, and every write fails with
 * "Could not create folder".
 */
final class DotFileFtpProviders {
    private DotFileFtpProviders() {
    }

    /** {@code ftp}. */
    static final class Ftp extends FtpFileProvider {
        @Override
        protected FileSystem doCreateFileSystem(FileName name, FileSystemOptions options) throws FileSystemException {
            return fileSystem((GenericFileName) name, options, PlainClient::new);
        }
    }

    /** {@code ftps}: the same, with VFS's FTPS client factory (TLS settings and trust manager as configured). */
    static final class Ftps extends FtpsFileProvider {
        @Override
        protected FileSystem doCreateFileSystem(FileName name, FileSystemOptions options) throws FileSystemException {
            return fileSystem((GenericFileName) name, options, TlsClient::new);
        }
    }

    /** How a file system makes its clients (when it opens, and whenever all of them are busy). */
    private interface Clients {
        FTPClientWrapper open(GenericFileName root, FileSystemOptions options) throws FileSystemException;
    }

    private static FileSystem fileSystem(GenericFileName root, FileSystemOptions options, Clients clients)
            throws FileSystemException {
        return new FtpFileSystem(root, clients.open(root, options), options) {
            @Override
            protected FTPClientWrapper createWrapper() throws FileSystemException {
                return clients.open(root, options);
            }
        };
    }

    private static final class PlainClient extends FTPClientWrapper {
        PlainClient(GenericFileName root, FileSystemOptions options) throws FileSystemException {
            super(root, options);
        }

        @Override
        protected FTPClient createClient(GenericFileName root, UserAuthenticationData auth) throws FileSystemException {
            FTPClient client = super.createClient(root, auth);
            client.setListHiddenFiles(true);
            return client;
        }
    }

    private static final class TlsClient extends FTPClientWrapper {
        TlsClient(GenericFileName root, FileSystemOptions options) throws FileSystemException {
            super(root, options);
        }

        @Override
        protected FTPClient createClient(GenericFileName root, UserAuthenticationData auth) throws FileSystemException {
            FTPClient client = FtpsClientFactory.createConnection(root.getHostName(), root.getPort(),
                    UserAuthenticatorUtils.getData(auth, UserAuthenticationData.USERNAME,
                            UserAuthenticatorUtils.toChar(root.getUserName())),
                    UserAuthenticatorUtils.getData(auth, UserAuthenticationData.PASSWORD,
                            UserAuthenticatorUtils.toChar(root.getPassword())),
                    root.getPath(), fileSystemOptions);
            client.setListHiddenFiles(true);
            return client;
        }
    }
}
