package dev.heirloom.tck;

import dev.heirloom.spi.StorageTargetProvider;

import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks that a provider is cheap to find. Every program that embeds Heirloom finds all providers
 * on its class path, whichever it uses; a provider class that needs its SDK merely to be loaded
 * makes every run pay for that SDK (for signed jars, a signature check of each). The rule: the
 * provider registers itself with {@link ServiceLoader}, and its class loads and answers
 * {@code scheme()} and {@code options()} with nothing on the class path but the SPI ({@code heirloom-spi}) and the provider's
 * own classes; the SDK is touched only by {@code open}.
 */
public final class ProviderDiscovery {
    private ProviderDiscovery() {
    }

    /** Fails unless {@code type} is found and described in a class loader without its dependencies. */
    public static void assertFoundWithoutDependencies(Class<? extends StorageTargetProvider> type) throws Exception {
        URL[] path = {codeSource(StorageTargetProvider.class), codeSource(type)};
        try (URLClassLoader bare = new URLClassLoader(path, ClassLoader.getPlatformClassLoader())) {
            Class<?> spi = bare.loadClass(StorageTargetProvider.class.getName());
            Object found = null;
            for (Object provider : ServiceLoader.load(spi, bare)) {
                if (provider.getClass().getName().equals(type.getName())) {
                    found = provider;
                }
            }
            assertThat(found).as("%s registered in META-INF/services and loadable without its SDK", type.getName())
                    .isNotNull();
            Method scheme = spi.getMethod("scheme");
            Method options = spi.getMethod("options");
            assertThat((String) scheme.invoke(found)).isNotBlank();
            assertThat((List<?>) options.invoke(found)).isNotNull();
        }
    }

    /** The jar or folder a class came from; through {@link Path} so that a folder ends with '/', as a class loader needs. */
    private static URL codeSource(Class<?> type) throws URISyntaxException, MalformedURLException {
        URL url = type.getProtectionDomain().getCodeSource().getLocation();
        return Path.of(url.toURI()).toUri().toURL();
    }
}
