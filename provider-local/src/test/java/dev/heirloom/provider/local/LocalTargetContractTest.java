package dev.heirloom.provider.local;

import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.TargetConfig;
import dev.heirloom.tck.StorageTargetContract;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** provider-local passes the whole storage contract on the machine's real file system. */
class LocalTargetContractTest extends StorageTargetContract {
    @TempDir
    Path dir;

    private int count;

    @Override
    protected StorageTarget newTarget() {
        return new LocalTargetProvider().open(TargetConfig.of(dir.resolve("repo" + count++).toUri()));
    }
}
