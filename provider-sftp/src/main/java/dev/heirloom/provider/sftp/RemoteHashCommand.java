package dev.heirloom.provider.sftp;

import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.SftpException;
import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.ObjectNotFoundException;
import dev.heirloom.spi.StorageException;
import dev.heirloom.spi.TargetUnavailableException;

import java.io.IOException;
import java.time.Duration;

/**
 * The {@code remoteHashCommand} option: runs a command such as {@code sha256sum} on a stored
 * file's path over an SSH exec channel (the path single-quoted for the shell) and reads the
 * SHA-256 it prints first, so the server hashes what it stores without sending it. A command that
 * fails, hangs, or prints no hash is a clear error. Thread-safe.
 */
final class RemoteHashCommand {
    private final String command;
    private final SftpChannels channels;
    private final Duration connectTimeout;
    private final Duration readTimeout;

    RemoteHashCommand(String command, SftpChannels channels, Duration connectTimeout, Duration readTimeout) {
        this.command = command;
        this.channels = channels;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
    }

    /**
     * The SHA-256 of the file at {@code path} as the server computes it.
     *
     * @param key the object's key, as messages name it
     * @throws ObjectNotFoundException when the file does not exist
     */
    Checksums hash(String key, String path) {
        String address = channels.address();
        SftpConnections.Connection c = channels.connections().borrow();
        boolean broken = false;
        try {
            SshCommand.Result result = SshCommand.run(c, command + " " + SshCommand.quote(path), connectTimeout, readTimeout);
            if (!result.ok()) {
                if (SftpChannels.lstat(c.channel(), path) == null) {
                    throw new ObjectNotFoundException(key);
                }
                throw new StorageException("remoteHashCommand '" + command + "' failed on " + address
                        + " (exit " + result.exitStatus() + "): " + result.error());
            }
            String text = result.printed().strip();
            String first = text.isEmpty() ? "" : text.split("\\s+", 2)[0].toLowerCase(java.util.Locale.ROOT);
            if (!first.matches("[0-9a-f]{64}")) {
                String shown = text.lines().findFirst().orElse("").replaceAll("\\p{Cntrl}", "?");
                throw new StorageException("remoteHashCommand '" + command + "' on " + address
                        + " printed no SHA-256 (it printed '" + shown.substring(0, Math.min(80, shown.length()))
                        + "'); use sha256sum or 'shasum -a 256'");
            }
            return Checksums.sha256(first);
        } catch (SshCommand.TimedOut e) {
            throw new StorageException("remoteHashCommand '" + command + "' on " + address + " " + e.getMessage());
        } catch (JSchException e) {
            broken = !c.isOpen();
            if (!c.isOpen()) {
                throw new TargetUnavailableException("hash " + key + " on " + address + ": " + e.getMessage(), e);
            }
            throw new StorageException("the SSH server " + address + " refused to run remoteHashCommand ("
                    + e.getMessage() + "); it needs an account with a shell, not an SFTP-only one", e);
        } catch (SftpException e) {
            broken = !c.isOpen();
            throw SftpChannels.classify("hash " + key, e, c, address);
        } catch (IOException e) {
            broken = true;
            throw new TargetUnavailableException("hash " + key + " on " + address + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while hashing " + key, e);
        } finally {
            channels.connections().release(c, broken);
        }
    }
}
