package dev.heirloom.provider.sftp;

import dev.heirloom.spi.InvalidConfigException;
import dev.heirloom.spi.TargetConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Where and how to connect, parsed from {@code sftp://user@host[:port]/path} and the options.
 * {@link #toString()} never shows the passphrase or password.
 */
record SftpSettings(String user, String host, int port, String path, Optional<Path> identity,
                    Optional<String> passphrase, Optional<String> password, Path knownHosts,
                    Duration connectTimeout, Duration readTimeout, int sessions, int bulkRequests,
                    Optional<String> remoteHashCommand, Optional<String> syncCommand) {

    static final String IDENTITY = "identity";
    static final String PASSPHRASE = "passphrase";
    static final String PASSWORD = "password";
    static final String KNOWN_HOSTS = "knownHosts";
    static final String CONNECT_TIMEOUT = "connectTimeout";
    static final String READ_TIMEOUT = "readTimeout";
    static final String SESSIONS = "sessions";
    static final String BULK_REQUESTS = "bulkRequests";
    static final String REMOTE_HASH_COMMAND = "remoteHashCommand";
    static final String SYNC_COMMAND = "syncCommand";
    /** Syncs the file system holding the path it is given (GNU coreutils, BusyBox). */
    static final String DEFAULT_SYNC_COMMAND = "sync -f";

    static SftpSettings parse(TargetConfig config) {
        var uri = config.uri();
        if (uri.getHost() == null || uri.getPath() == null || uri.getPath().length() < 2) {
            throw new InvalidConfigException("an SFTP target looks like sftp://user@host[:port]/path, not " + uri);
        }
        if (uri.getUserInfo() != null && uri.getUserInfo().contains(":")) {
            throw new InvalidConfigException("put the SFTP password in the 'password' option, not in the URI");
        }
        String user = uri.getUserInfo() != null ? uri.getUserInfo() : System.getProperty("user.name");
        int port = uri.getPort() > 0 ? uri.getPort() : 22;
        String home = System.getProperty("user.home");
        Optional<Path> identity = config.option(IDENTITY).map(Path::of);
        if (identity.isEmpty() && config.option(PASSWORD).isEmpty()) {
            identity = List.of("id_ed25519", "id_ecdsa", "id_rsa").stream()
                    .map(n -> Path.of(home, ".ssh", n)).filter(Files::isReadable).findFirst();
        }
        if (identity.isPresent() && !Files.isReadable(identity.get())) {
            throw new InvalidConfigException("the SFTP identity file " + identity.get() + " is not readable");
        }
        if (identity.isEmpty() && config.option(PASSWORD).isEmpty()) {
            throw new InvalidConfigException("no SSH key found for " + uri.getHost()
                    + ": set the 'identity' option to a private key file (or 'password', discouraged)");
        }
        Path knownHosts = config.option(KNOWN_HOSTS).map(Path::of).orElse(Path.of(home, ".ssh", "known_hosts"));
        return new SftpSettings(user, uri.getHost(), port, uri.getPath(), identity, config.option(PASSPHRASE),
                config.option(PASSWORD), knownHosts, seconds(config, CONNECT_TIMEOUT, 15), seconds(config, READ_TIMEOUT, 120),
                config.intOption(SESSIONS, 4, 1, 64), config.intOption(BULK_REQUESTS, 64, 1, 1024),
                command(config, REMOTE_HASH_COMMAND, "sha256sum or 'shasum -a 256'"), syncCommand(config));
    }

    /** {@value #DEFAULT_SYNC_COMMAND} unless set; {@code none} turns it off (each new object is then synced on its own). */
    private static Optional<String> syncCommand(TargetConfig config) {
        if (config.option(SYNC_COMMAND).map(String::strip).filter("none"::equals).isPresent()) {
            return Optional.empty();
        }
        return command(config, SYNC_COMMAND, "'sync -f', or none").or(() -> Optional.of(DEFAULT_SYNC_COMMAND));
    }

    /** A command name and fixed arguments only: a path is appended, quoted, by us. */
    private static Optional<String> command(TargetConfig config, String name, String example) {
        Optional<String> command = config.option(name).map(String::strip).filter(c -> !c.isEmpty());
        if (command.isPresent() && !command.get().matches("[A-Za-z0-9_./ -]+")) {
            throw new InvalidConfigException(name + " is a command and its options, such as " + example
                    + "; quotes, pipes and other shell syntax are not allowed");
        }
        return command;
    }

    private static Duration seconds(TargetConfig config, String name, int fallback) {
        return config.durationOption(name, Duration.ofSeconds(fallback), Duration.ofSeconds(1), Duration.ofHours(1));
    }

    /** user@host:port, for messages. */
    String address() {
        return user + "@" + host + ":" + port;
    }

    @Override
    public String toString() {
        return "SftpSettings[" + address() + path + ", identity=" + identity.map(Path::toString).orElse("-")
                + ", knownHosts=" + knownHosts + ", sessions=" + sessions + "]";
    }
}
