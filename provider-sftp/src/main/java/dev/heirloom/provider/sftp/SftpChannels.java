package dev.heirloom.provider.sftp;

import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.SftpATTRS;
import com.jcraft.jsch.SftpException;
import dev.heirloom.spi.AuthenticationException;
import dev.heirloom.spi.ChecksumMismatchException;
import dev.heirloom.spi.ObjectExistsException;
import dev.heirloom.spi.ObjectNotFoundException;
import dev.heirloom.spi.StorageException;
import dev.heirloom.spi.TargetUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * Runs SFTP calls on pooled channels and turns their failures into the SPI's exceptions: a lost
 * connection is transient, a missing file not found, a refusal an authentication error, and a
 * failure of the content being uploaded is the source's fault, not the server's. Also the path
 * helpers every call needs. Thread-safe.
 */
final class SftpChannels {
    private static final Logger LOG = LoggerFactory.getLogger(SftpChannels.class);

    private final SftpConnections connections;
    private final String address;

    SftpChannels(SftpConnections connections, String address) {
        this.connections = connections;
        this.address = address;
    }

    /** An SFTP call on one channel. */
    @FunctionalInterface
    interface SftpCall<T> {
        T call(ChannelSftp channel) throws SftpException, IOException;
    }

    /** A call that needs the whole connection (its {@link SftpPipeline} as well as its channel). */
    @FunctionalInterface
    interface ConnectionCall<T> {
        T call(SftpConnections.Connection connection) throws SftpException, IOException;
    }

    /** The server's address, as messages name it. */
    String address() {
        return address;
    }

    /** The connection pool, for calls that hold a connection beyond one call (reads, exec channels). */
    SftpConnections connections() {
        return connections;
    }

    <T> T run(String what, SftpCall<T> call) {
        return run(what, false, call);
    }

    /**
     * Runs a call on a pooled channel. {@code transfer}: the call moves file data, and a transfer
     * that fails midway leaves the channel with requests in flight, so it is not reused.
     */
    <T> T run(String what, boolean transfer, SftpCall<T> call) {
        return runOn(what, transfer, c -> call.call(c.channel()));
    }

    /** {@link #run(String, boolean, SftpCall)} for a call that needs the whole connection. */
    <T> T runOn(String what, boolean transfer, ConnectionCall<T> call) {
        SftpConnections.Connection c = connections.borrow();
        boolean broken = false;
        try {
            return call.call(c);
        } catch (ObjectExistsException | ChecksumMismatchException e) {
            throw e;
        } catch (SourceReadException e) {
            broken = true;
            throw new StorageException(what + ": reading the content to upload failed: " + e.getCause().getMessage(), e.getCause());
        } catch (SftpException e) {
            broken = transfer || !c.isOpen();
            if (e.getCause() instanceof SourceReadException sre) {
                throw new StorageException(what + ": reading the content to upload failed: " + sre.getCause().getMessage(),
                        sre.getCause());
            }
            throw classify(what, e, c, address);
        } catch (IOException e) {
            broken = true;
            throw new TargetUnavailableException(what + " on " + address + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            broken = transfer || !c.isOpen();
            throw e;
        } finally {
            connections.release(c, broken);
        }
    }

    /** Removes a file if it can, on a channel of its own; a server that is gone leaves it for a later clean-up. */
    void removeQuietly(String path) {
        try {
            run("remove " + path, ch -> {
                removeQuietly(ch, path);
                return null;
            });
        } catch (StorageException ignored) {
            // the server is gone; the temporary name is never listed and is cleaned up later
        }
    }

    /** The content source failed, not the server. */
    static final class SourceReadException extends IOException {
        SourceReadException(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    static StorageException classify(String what, SftpException e, SftpConnections.Connection c, String address) {
        String message = what + " on " + address + ": " + (e.getMessage() == null || e.getMessage().isEmpty()
                ? "SFTP status " + e.id : e.getMessage());
        if (e.id == ChannelSftp.SSH_FX_NO_SUCH_FILE) {
            return new ObjectNotFoundException(what, e);
        }
        if (e.id == ChannelSftp.SSH_FX_PERMISSION_DENIED) {
            return new AuthenticationException(message + " (permission denied)", e);
        }
        if (!c.isOpen() || e.getCause() instanceof IOException || e.id == ChannelSftp.SSH_FX_CONNECTION_LOST
                || e.id == ChannelSftp.SSH_FX_NO_CONNECTION) {
            return new TargetUnavailableException(message + " (connection lost)", e);
        }
        return new StorageException(message, e);
    }

    /** lstat, or null when the path does not exist. */
    static SftpATTRS lstat(ChannelSftp ch, String path) throws SftpException {
        try {
            return ch.lstat(quote(path));
        } catch (SftpException e) {
            if (e.id == ChannelSftp.SSH_FX_NO_SUCH_FILE) {
                return null;
            }
            throw e;
        }
    }

    /** JSch treats {@code *} and {@code ?} in paths as glob patterns; escape them. */
    static String quote(String path) {
        return path.replace("*", "\\*").replace("?", "\\?");
    }

    static void removeQuietly(ChannelSftp ch, String path) {
        try {
            ch.rm(quote(path));
        } catch (SftpException e) {
            LOG.debug("cannot remove {}: {}", path, e.getMessage());
        }
    }
}
