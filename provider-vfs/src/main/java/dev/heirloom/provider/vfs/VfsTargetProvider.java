package dev.heirloom.provider.vfs;

import dev.heirloom.spi.OptionSpec;
import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.StorageTargetProvider;
import dev.heirloom.spi.TargetConfig;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Serves {@code vfs+PROTOCOL://user@host[:port]/path} through Apache Commons VFS: one subclass per
 * protocol, each registered on its own scheme. Commons VFS publishes nothing atomically and checks
 * nothing; the target does both (see {@link VfsTarget}).
 */
public abstract class VfsTargetProvider implements StorageTargetProvider {
    private final String protocol;
    private final int defaultPort;

    VfsTargetProvider(String protocol, int defaultPort) {
        this.protocol = protocol;
        this.defaultPort = defaultPort;
    }

    @Override
    public String scheme() {
        return "vfs+" + protocol;
    }

    @Override
    public List<OptionSpec> options() {
        List<OptionSpec> o = new ArrayList<>(List.of(
                OptionSpec.secret(VfsSettings.PASSWORD, "the user's password; give it as ${env:NAME}"),
                OptionSpec.optional(VfsSettings.CONNECT_TIMEOUT, "time to wait for a connection (default 15s)"),
                OptionSpec.optional(VfsSettings.READ_TIMEOUT, "silence after which a connection counts as lost (default 60s)"),
                OptionSpec.optional(VfsSettings.CONCURRENCY, "calls in flight at once (default 4)")));
        if (protocol.startsWith("ftp")) {
            o.add(OptionSpec.optional(VfsSettings.PASSIVE, "passive mode (true/false, default true)"));
        }
        if (protocol.equals("ftps")) {
            o.add(OptionSpec.optional(VfsSettings.TRUST_STORE, "PKCS#12 or JKS file of certificates to trust besides "
                    + "the JVM's (a server with a certificate of its own)"));
            o.add(OptionSpec.secret(VfsSettings.TRUST_STORE_PASSWORD, "password of the trust store, if it has one"));
        }
        return o;
    }

    @Override
    public StorageTarget open(TargetConfig config) {
        return VfsTarget.open(VfsSettings.parse(config, protocol));
    }

    @Override
    public void validate(TargetConfig config) {
        VfsSettings.parse(config, protocol);
    }

    /**
     * The server and folder: protocol, host, port (the protocol's default when absent) and path; for
     * FTP also the user, since FTP servers commonly show each user a root of its own.
     */
    @Override
    public Optional<URI> location(TargetConfig config) {
        try {
            VfsSettings s = VfsSettings.parse(config, protocol);
            String user = protocol.startsWith("ftp") ? s.user().orElse("anonymous") : null;
            return Optional.of(new URI(scheme(), user, s.host(), s.port() > 0 ? s.port() : defaultPort,
                    java.nio.file.Path.of(s.path()).normalize().toString(), null, null));
        } catch (RuntimeException | URISyntaxException e) {
            return Optional.empty();
        }
    }
}
