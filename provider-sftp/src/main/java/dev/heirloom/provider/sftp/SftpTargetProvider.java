package dev.heirloom.provider.sftp;

import dev.heirloom.spi.OptionSpec;
import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.StorageTargetProvider;
import dev.heirloom.spi.TargetConfig;

import java.util.List;

/**
 * Serves {@code sftp://user@host[:port]/path} ({@code /~/path} for a folder under the user's home).
 * The server's host key must be in the known_hosts file; nothing turns that check off.
 */
public final class SftpTargetProvider implements StorageTargetProvider {
    @Override
    public String scheme() {
        return "sftp";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(
                OptionSpec.optional(SftpSettings.IDENTITY, "private key file (default: ~/.ssh/id_ed25519, id_ecdsa or id_rsa)"),
                OptionSpec.secret(SftpSettings.PASSPHRASE, "passphrase of the private key"),
                OptionSpec.secret(SftpSettings.PASSWORD, "password login (discouraged; use a key)"),
                OptionSpec.optional(SftpSettings.KNOWN_HOSTS, "known_hosts file with the server's host key (default ~/.ssh/known_hosts)"),
                OptionSpec.optional(SftpSettings.CONNECT_TIMEOUT, "seconds to wait for a connection (default 15)"),
                OptionSpec.optional(SftpSettings.READ_TIMEOUT, "seconds without an answer before a connection counts as lost (default 120)"),
                OptionSpec.optional(SftpSettings.SESSIONS, "parallel SSH sessions (default 4)"),
                OptionSpec.optional(SftpSettings.REMOTE_HASH_COMMAND, "a command run over SSH that prints an object's "
                        + "SHA-256 (sha256sum, or 'shasum -a 256'), so that checksum verification reads objects on the "
                        + "server instead of downloading them; needs a shell account, not an SFTP-only one"),
                OptionSpec.optional(SftpSettings.SYNC_COMMAND, "a command run over SSH that syncs the file system "
                        + "holding the path it is given (default 'sync -f'; none: sync each new object on its own), so "
                        + "that a batch of small objects is made durable at once; used only where the account may run "
                        + "commands and the server's file system is one whose sync reaches the disk"),
                OptionSpec.optional(SftpSettings.BULK_REQUESTS, "SFTP requests in flight per transfer (default 64)"));
    }

    @Override
    public StorageTarget open(TargetConfig config) {
        return SftpTarget.open(SftpSettings.parse(config));
    }

    /**
     * The server and folder: host (lower case), port and the normalized path; a path under the
     * home folder ({@code /~/...}) depends on the account, so it names the user as well.
     */
    @Override
    public java.util.Optional<java.net.URI> location(TargetConfig config) {
        java.net.URI uri = config.uri();
        if (uri.getHost() == null || uri.getPath() == null) {
            return java.util.Optional.empty();
        }
        String path = java.nio.file.Path.of(uri.getPath()).normalize().toString();
        String user = uri.getUserInfo() != null ? uri.getUserInfo() : System.getProperty("user.name");
        int port = uri.getPort() > 0 ? uri.getPort() : 22;
        try {
            return java.util.Optional.of(new java.net.URI("sftp", path.startsWith("/~") ? user : null,
                    uri.getHost().toLowerCase(java.util.Locale.ROOT), port, path, null, null));
        } catch (java.net.URISyntaxException e) {
            return java.util.Optional.empty();
        }
    }

    /** Parses every option (reads no key file beyond checking it is readable, connects nowhere). */
    @Override
    public void validate(TargetConfig config) {
        SftpSettings.parse(config);
    }
}
