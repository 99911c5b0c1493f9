package dev.heirloom.examples.plugin;

import dev.heirloom.spi.Capabilities;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.InvalidConfigException;
import dev.heirloom.spi.ListPage;
import dev.heirloom.spi.ObjectExistsException;
import dev.heirloom.spi.ObjectInfo;
import dev.heirloom.spi.ObjectKeys;
import dev.heirloom.spi.ObjectNotFoundException;
import dev.heirloom.spi.OptionSpec;
import dev.heirloom.spi.StorageException;
import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.StorageTargetProvider;
import dev.heirloom.spi.TargetConfig;
import dev.heirloom.spi.WriteOptions;
import dev.heirloom.spi.WriteVerifier;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Example third-party provider, {@code plainfolder:///path}: the shortest honest implementation
 * of the SPI for a folder (say, a camera card or a phone mounted over MTP), where a single writer
 * is assumed. It is registered in this module's {@code META-INF/services} and passes the TCK.
 */
public final class PlainFolderProvider implements StorageTargetProvider {
    @Override
    public String scheme() {
        return "plainfolder";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of();
    }

    @Override
    public StorageTarget open(TargetConfig config) {
        Path root = Path.of(config.uri().getPath());
        if (!root.isAbsolute()) {
            throw new InvalidConfigException("plainfolder needs an absolute path: plainfolder:///folder");
        }
        try {
            Files.createDirectories(root.resolve(".partial"));
        } catch (IOException e) {
            throw new StorageException("cannot use " + root + ": " + e.getMessage(), e);
        }
        return new Target(root);
    }

    private record Target(Path root) implements StorageTarget {
        @Override
        public Capabilities capabilities() {
            return Capabilities.builder().atomicReplace(true).rangeRead(true).maxConcurrency(2).build();
        }

        private Path file(String key) {
            if (ObjectKeys.check(key).startsWith(".partial")) {
                throw new IllegalArgumentException(".partial is reserved");
            }
            return root.resolve(key);
        }

        @Override
        public Optional<ObjectInfo> stat(String key) {
            Path f = file(key);
            try {
                return Files.isRegularFile(f) ? Optional.of(ObjectInfo.of(key, Files.size(f))) : Optional.empty();
            } catch (IOException e) {
                throw new StorageException("stat " + key + ": " + e.getMessage(), e);
            }
        }

        @Override
        public InputStream read(String key, long offset, long length) {
            Path f = file(key);
            try {
                if (!Files.isRegularFile(f)) {
                    throw new ObjectNotFoundException(key);
                }
                InputStream in = Files.newInputStream(f);
                in.skipNBytes(Math.min(offset, Files.size(f)));
                return length < 0 ? in : new java.io.ByteArrayInputStream(in.readNBytes((int) Math.min(length, Integer.MAX_VALUE)));
            } catch (IOException e) {
                throw new StorageException("read " + key + ": " + e.getMessage(), e);
            }
        }

        @Override
        public ObjectInfo write(String key, ContentSource content, WriteOptions options) {
            options.refuseLock("a plain folder");
            Path f = file(key);
            Path partial = root.resolve(".partial").resolve(UUID.randomUUID().toString());
            try {
                WriteVerifier verifier = new WriteVerifier(key, content, options.expected());
                try (InputStream in = content.open(); OutputStream out = Files.newOutputStream(partial)) {
                    byte[] buffer = new byte[64 * 1024];
                    int n;
                    while ((n = in.read(buffer)) > 0) {
                        verifier.update(buffer, 0, n);
                        out.write(buffer, 0, n);
                    }
                }
                verifier.verify();
                Files.createDirectories(f.getParent());
                if (options.ifAbsent()) {
                    Files.move(partial, f);
                } else {
                    try {
                        Files.move(partial, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    } catch (AtomicMoveNotSupportedException e) {
                        Files.move(partial, f, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
                return ObjectInfo.of(key, content.size());
            } catch (FileAlreadyExistsException e) {
                throw new ObjectExistsException(key, e);
            } catch (IOException e) {
                throw new StorageException("write " + key + ": " + e.getMessage(), e);
            } finally {
                try {
                    Files.deleteIfExists(partial);
                } catch (IOException ignored) {
                    // left for the next run to overwrite; it is never listed
                }
            }
        }

        @Override
        public void delete(String key) {
            try {
                Files.deleteIfExists(file(key));
            } catch (IOException e) {
                throw new StorageException("delete " + key + ": " + e.getMessage(), e);
            }
        }

        @Override
        public ListPage list(String prefix, Optional<String> pageToken, int pageSize) {
            ObjectKeys.checkPrefix(prefix);
            try (Stream<Path> files = Files.walk(root)) {
                List<ObjectInfo> all = files.filter(Files::isRegularFile)
                        .map(p -> root.relativize(p).toString().replace('\\', '/'))
                        .filter(k -> !k.startsWith(".partial/") && k.startsWith(prefix))
                        .filter(k -> pageToken.isEmpty() || k.compareTo(pageToken.get()) > 0)
                        .sorted().limit(pageSize + 1L)
                        .map(k -> ObjectInfo.of(k, root.resolve(k).toFile().length()))
                        .toList();
                if (all.size() > pageSize) {
                    List<ObjectInfo> page = all.subList(0, pageSize);
                    return ListPage.of(page, Optional.of(page.get(pageSize - 1).key()));
                }
                return ListPage.of(all, Optional.empty());
            } catch (NoSuchFileException e) {
                return ListPage.of(List.of(), Optional.empty());
            } catch (IOException e) {
                throw new StorageException("list " + prefix + ": " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            // nothing held
        }
    }
}
