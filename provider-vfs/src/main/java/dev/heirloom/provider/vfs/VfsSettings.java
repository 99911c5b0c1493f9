package dev.heirloom.provider.vfs;

import dev.heirloom.spi.InvalidConfigException;
import dev.heirloom.spi.TargetConfig;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * A VFS target's settings, parsed and checked from its URI ({@code vfs+PROTOCOL://user@host:port/path})
 * and options without connecting.
 *
 * @param protocol   the Commons VFS scheme: {@code ftp}, {@code ftps}, {@code webdav4}, {@code webdav4s}
 * @param path       the folder holding the repository, absolute, without a trailing slash
 * @param password   from the option {@code password}; never printed
 * @param trustStore a PKCS#12 or JKS file of certificates to trust for TLS, besides the JVM's
 */
record VfsSettings(String protocol, String host, int port, Optional<String> user, String path,
                   Optional<String> password, boolean passive, Optional<Path> trustStore,
                   Optional<String> trustStorePassword, Duration connectTimeout, Duration readTimeout,
                   int concurrency) {

    static final String PASSWORD = "password";
    static final String PASSIVE = "passive";
    static final String TRUST_STORE = "trustStore";
    static final String TRUST_STORE_PASSWORD = "trustStorePassword";
    static final String CONNECT_TIMEOUT = "connectTimeout";
    static final String READ_TIMEOUT = "readTimeout";
    static final String CONCURRENCY = "concurrency";

    /** @throws InvalidConfigException for a URI or option value that can never work */
    static VfsSettings parse(TargetConfig config, String protocol) {
        URI uri = config.uri();
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw new InvalidConfigException("a " + uri.getScheme() + " target looks like " + uri.getScheme()
                    + "://USER@HOST[:PORT]/PATH, not " + uri);
        }
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null && userInfo.contains(":")) {
            throw new InvalidConfigException("put no password in a target's URI (it would be printed and logged); "
                    + "give it as the option password: ${env:NAME}");
        }
        String path = Optional.ofNullable(uri.getPath()).orElse("").replaceAll("/+$", "");
        if (path.isEmpty() || path.contains("/../") || path.endsWith("/..") || path.contains("/./")) {
            throw new InvalidConfigException("a " + uri.getScheme() + " target needs a folder path without . or .., "
                    + "e.g. " + uri.getScheme() + "://" + uri.getHost() + "/backups/heirloom");
        }
        Optional<Path> trustStore = config.option(TRUST_STORE).map(String::trim).map(Path::of);
        if (trustStore.isPresent() && !Files.isReadable(trustStore.get())) {
            throw new InvalidConfigException("option trustStore: cannot read " + trustStore.get());
        }
        if (trustStore.isPresent() && !protocol.equals("ftps") && !protocol.equals("webdav4s")) {
            throw new InvalidConfigException("option trustStore is for TLS (vfs+ftps, vfs+webdav4s), not " + uri.getScheme());
        }
        return new VfsSettings(protocol, uri.getHost().toLowerCase(Locale.ROOT), uri.getPort(),
                Optional.ofNullable(uri.getUserInfo()), path, config.option(PASSWORD),
                config.booleanOption(PASSIVE, true), trustStore, config.option(TRUST_STORE_PASSWORD),
                config.durationOption(CONNECT_TIMEOUT, Duration.ofSeconds(15), Duration.ofSeconds(1), Duration.ofMinutes(5)),
                config.durationOption(READ_TIMEOUT, Duration.ofSeconds(60), Duration.ofSeconds(1), Duration.ofMinutes(30)),
                config.intOption(CONCURRENCY, 4, 1, 32));
    }

    /** The Commons VFS URI of the repository folder (no credentials in it). */
    String vfsUri() {
        return protocol + "://" + host + (port > 0 ? ":" + port : "") + path;
    }

    @Override
    public String toString() {
        // as the user wrote it (without a password, which never is in the URI)
        return "vfs+" + protocol + "://" + user.map(u -> u + "@").orElse("") + host + (port > 0 ? ":" + port : "") + path;
    }
}
