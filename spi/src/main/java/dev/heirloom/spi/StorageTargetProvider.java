package dev.heirloom.spi;

import java.util.List;

/**
 * Opens targets for one URI scheme. Registered through {@link java.util.ServiceLoader}
 * ({@code META-INF/services/dev.heirloom.spi.StorageTargetProvider}); must have a public
 * no-argument constructor and be cheap to construct (no I/O until {@link #open}).
 */
public interface StorageTargetProvider {

    /** The URI scheme served, lowercase, e.g. {@code file}, {@code sftp}, {@code gs}. */
    String scheme();

    /** The options {@link #open} understands; secrets are marked. */
    List<OptionSpec> options();

    /**
     * Opens a target. May connect to check credentials and reachability.
     *
     * @throws InvalidConfigException     for a URI or options that can never work
     * @throws AuthenticationException    when credentials are refused
     * @throws TargetUnavailableException when the target cannot be reached now
     */
    StorageTarget open(TargetConfig config);

    /**
     * Checks a configuration without connecting: the URI's form and every option's value. Heirloom
     * calls it when a configuration is built, so that a wrong value is a configuration error found
     * before any target is opened, not a failed target later. The default accepts anything;
     * {@link #open} must check again (it may be called without this).
     *
     * @throws InvalidConfigException for a URI or option value that can never work
     */
    default void validate(TargetConfig config) {
    }

    /**
     * Where a target keeps its repository, as a canonical URI, when the provider can tell: two
     * targets at the same location are one copy, not two, and Heirloom refuses such a
     * configuration. A local folder is its real path (links resolved); a server, its host, port
     * and absolute path. Needs no connection; may look at the local file system. The default:
     * unknown (Heirloom then only refuses the same URI with the same options twice).
     *
     * @return the canonical location, or empty when it cannot be told without connecting
     */
    default java.util.Optional<java.net.URI> location(TargetConfig config) {
        return java.util.Optional.empty();
    }
}
