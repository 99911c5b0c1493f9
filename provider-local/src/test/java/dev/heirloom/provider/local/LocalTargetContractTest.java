package dev.heirloom.provider.local;

import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.TargetConfig;
import dev.heirloom.tck.StorageTargetContract;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

/**
 * provider-local passes the whole storage contract on the machine's real file system, with new
 * objects committed together (the default where the file system allows) and each on its own.
 */
class LocalTargetContractTest extends StorageTargetContract {
    @TempDir
    Path dir;

    private int count;

    @Override
    protected StorageTarget newTarget() {
        return new LocalTargetProvider().open(TargetConfig.of(dir.resolve("repo" + count++).toUri()));
    }

    /** The same contract with every object flushed on its own (file systems that cannot be synced as a whole). */
    @Nested
    class EachObjectFlushedOnItsOwn extends StorageTargetContract {
        @Override
        protected StorageTarget newTarget() {
            return new LocalTargetProvider().open(new TargetConfig(dir.resolve("single" + count++).toUri(),
                    Map.of(LocalTargetProvider.GROUP_COMMIT, "false")));
        }
    }
}
