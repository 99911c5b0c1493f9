package dev.heirloom.provider.vfs;

import dev.heirloom.spi.InvalidConfigException;
import dev.heirloom.spi.OptionSpec;
import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.StorageTargetProvider;
import dev.heirloom.spi.TargetConfig;

import java.util.List;

/**
 * Claims {@code vfs+sftp} only to refuse it: Commons VFS's SFTP runs on the abandoned
 * {@code com.jcraft:jsch} and turns host-key checks off by default. {@code sftp://} (provider-sftp)
 * checks the host key always.
 */
public final class SftpViaVfsRefused implements StorageTargetProvider {
    @Override
    public String scheme() {
        return "vfs+sftp";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of();
    }

    @Override
    public StorageTarget open(TargetConfig config) {
        throw refusal(config);
    }

    @Override
    public void validate(TargetConfig config) {
        throw refusal(config);
    }

    private static InvalidConfigException refusal(TargetConfig config) {
        String uri = config.uri().toString();
        return new InvalidConfigException("SFTP through Commons VFS is refused (it would not check the server's host "
                + "key); write the target as " + uri.replaceFirst("^vfs\\+sftp:", "sftp:") + " (provider-sftp, host "
                + "key checked against known_hosts)");
    }
}
