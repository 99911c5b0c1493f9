package dev.heirloom.bench;

import dev.heirloom.spi.ChecksumAlgorithm;
import dev.heirloom.spi.MultiDigest;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumSet;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

/**
 * Hashing throughput of 64 MiB in 1 MiB updates: {@link MultiDigest} against bare JDK digests
 * doing the same work. The ratio shows what our wrapper costs (it should be about 1).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DigestBenchmark {
    static final int BUFFER = 1 << 20;
    static final int BUFFERS = 64;

    byte[] buffer;

    @Setup
    public void setup() {
        buffer = new byte[BUFFER];
        new Random(1).nextBytes(buffer);
    }

    @Benchmark
    public byte[] bareSha256() throws NoSuchAlgorithmException {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        for (int i = 0; i < BUFFERS; i++) {
            d.update(buffer);
        }
        return d.digest();
    }

    @Benchmark
    public Object multiDigestSha256() {
        MultiDigest d = MultiDigest.sha256Only();
        for (int i = 0; i < BUFFERS; i++) {
            d.update(buffer, 0, buffer.length);
        }
        return d.finish();
    }

    @Benchmark
    public long bareSha256Md5Crc32c() throws NoSuchAlgorithmException {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        CRC32C crc = new CRC32C();
        for (int i = 0; i < BUFFERS; i++) {
            sha.update(buffer);
            md5.update(buffer);
            crc.update(buffer);
        }
        return sha.digest()[0] + md5.digest()[0] + crc.getValue();
    }

    @Benchmark
    public Object multiDigestAll() {
        MultiDigest d = MultiDigest.exactly(EnumSet.allOf(ChecksumAlgorithm.class));
        for (int i = 0; i < BUFFERS; i++) {
            d.update(buffer, 0, buffer.length);
        }
        return d.finish();
    }
}
