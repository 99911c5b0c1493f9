package dev.heirloom.testservers;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The released fat jars of the Java servers the tests run as processes of their own (S3Proxy,
 * S3Mock): copied from Maven Central by this module's build, never put on a test class path.
 */
final class ServerJars {
    private static final String INSTALL_HINT = "build the test servers first ('mvn -pl test-servers install', "
            + "which downloads it from Maven Central; ./test.sh does this)";

    private ServerJars() {
    }

    /** The jar of {@code name} ({@code s3proxy}, {@code s3mock}); fails loudly with the build command when missing. */
    static Path jar(String name) {
        Properties p = new Properties();
        try (InputStream in = ServerJars.class.getResourceAsStream("server-jars.properties")) {
            if (in == null) {
                throw new IllegalStateException("server-jars.properties is missing from heirloom-test-servers: " + INSTALL_HINT);
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String value = p.getProperty(name + ".jar");
        Path jar = value == null ? null : Path.of(value);
        if (jar == null || !Files.isRegularFile(jar)) {
            throw new IllegalStateException(name + " " + p.getProperty(name + ".version") + " not found at " + value
                    + ": " + INSTALL_HINT);
        }
        return jar;
    }

    /** {@code java} of the running JVM, small heap and quick start, then {@code -jar JAR} and {@code args}. */
    static List<String> command(Path jar, String maxHeap, List<String> args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + maxHeap, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", jar.toString()));
        command.addAll(args);
        return command;
    }
}
