package dev.heirloom.bench;

import dev.heirloom.repository.CanonicalJson;
import dev.heirloom.repository.Tree;
import dev.heirloom.spi.Checksums;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The benchmark bodies compute what they claim, so their timings mean something (no timing here). */
class BenchmarksWorkTest {
    @TempDir
    Path tmp;

    @Test
    void digestVariantsAgree() throws Exception {
        DigestBenchmark b = new DigestBenchmark();
        b.setup();
        Checksums multi = (Checksums) b.multiDigestSha256();
        assertThat(multi.get(dev.heirloom.spi.ChecksumAlgorithm.SHA256).orElseThrow())
                .isEqualTo(java.util.HexFormat.of().formatHex(b.bareSha256()));
        assertThat(((Checksums) b.multiDigestAll()).values()).hasSize(3);
    }

    @Test
    void theScanSeesEveryFile() throws Exception {
        SourceScanBenchmark.makeTree(tmp, 1234);
        assertThat(SourceScanBenchmark.scan(tmp)).isEqualTo(1234);
    }

    @Test
    void manifestsRoundTrip() {
        ManifestBenchmark b = new ManifestBenchmark();
        b.entries = 2000;
        b.setup();
        Tree back = CanonicalJson.read(b.write(), Tree.class, "t");
        assertThat(back).isEqualTo(b.tree);
        assertThat(b.read().entries()).hasSize(2000);
    }
}
