package dev.heirloom.examples;

import dev.heirloom.spi.StorageTargetProvider;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application on the module path: heirloom-core and heirloom-spi resolve as named modules
 * with nothing but their declared dependencies, export the API and SPI but not the internal
 * compliance package, and find a provider jar through ServiceLoader.
 */
class ModularEmbeddingTest {
    private static final List<String> JARS = List.of("heirloom-core-", "heirloom-spi-", "heirloom-provider-local-",
            "slf4j-api-", "jackson-", "cron-utils-", "guava-", "failureaccess-", "metadata-extractor-", "xmpcore-", "tink-", "bcprov-jdk18on-");

    private static Path[] modulePath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator)).map(Path::of)
                .filter(p -> Files.isDirectory(p) ? Files.exists(p.resolve("module-info.class"))
                        || p.endsWith(Path.of("provider-local", "target", "classes"))
                        : JARS.stream().anyMatch(j -> p.getFileName().toString().startsWith(j)))
                .toArray(Path[]::new);
    }

    @Test
    void coreAndSpiResolveAsModulesAndFindAProvider() throws Exception {
        ModuleFinder finder = ModuleFinder.of(modulePath());
        Configuration cf = ModuleLayer.boot().configuration().resolveAndBind(finder, ModuleFinder.of(),
                Set.of("dev.heirloom.core"));
        ModuleLayer layer = ModuleLayer.boot().defineModulesWithOneLoader(cf, ClassLoader.getPlatformClassLoader());

        ModuleDescriptor core = layer.findModule("dev.heirloom.core").orElseThrow().getDescriptor();
        assertThat(core.isAutomatic()).isFalse();
        Set<String> exported = core.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet());
        assertThat(exported).contains("dev.heirloom", "dev.heirloom.backup", "dev.heirloom.policy", "dev.heirloom.storage")
                .doesNotContain("dev.heirloom.compliance");
        assertThat(core.uses()).containsExactly(StorageTargetProvider.class.getName());
        ModuleDescriptor spi = layer.findModule("dev.heirloom.spi").orElseThrow().getDescriptor();
        assertThat(spi.exports()).extracting(ModuleDescriptor.Exports::source).containsExactly("dev.heirloom.spi");
        assertThat(spi.requires()).extracting(ModuleDescriptor.Requires::name).containsExactly("java.base");

        Class<?> providerType = layer.findLoader("dev.heirloom.spi").loadClass(StorageTargetProvider.class.getName());
        List<String> schemes = ServiceLoader.load(layer, providerType).stream()
                .map(p -> {
                    try {
                        return (String) providerType.getMethod("scheme").invoke(p.get());
                    } catch (ReflectiveOperationException e) {
                        throw new AssertionError(e);
                    }
                }).toList();
        assertThat(schemes).containsExactly("file");
        Class<?> heirloom = layer.findLoader("dev.heirloom.core").loadClass("dev.heirloom.Heirloom");
        assertThat(heirloom.getModule().getName()).isEqualTo("dev.heirloom.core");
    }
}
