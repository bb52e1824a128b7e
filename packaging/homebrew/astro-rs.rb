# Homebrew formula for astro (the Rust CLI for Astronomer's Astro). A template: the release job
# (`packaging/package.sh --homebrew DIR REPO`) fills @VERSION@, @REPO@ and each @SHA256_<target>@
# from the release's SHA256SUMS and attaches the result to the release as astro-rs.rb.
class AstroRs < Formula
  desc "Command-line client for Astronomer's Astro: manage the people in an Organization"
  homepage "https://github.com/@REPO@"
  version "@VERSION@"
  license "Apache-2.0"

  on_macos do
    on_arm do
      url "https://github.com/@REPO@/releases/download/v@VERSION@/astro-@VERSION@-aarch64-apple-darwin.tar.gz"
      sha256 "@SHA256_aarch64-apple-darwin@"
    end
    on_intel do
      url "https://github.com/@REPO@/releases/download/v@VERSION@/astro-@VERSION@-x86_64-apple-darwin.tar.gz"
      sha256 "@SHA256_x86_64-apple-darwin@"
    end
  end

  on_linux do
    on_arm do
      url "https://github.com/@REPO@/releases/download/v@VERSION@/astro-@VERSION@-aarch64-unknown-linux-musl.tar.gz"
      sha256 "@SHA256_aarch64-unknown-linux-musl@"
    end
    on_intel do
      url "https://github.com/@REPO@/releases/download/v@VERSION@/astro-@VERSION@-x86_64-unknown-linux-musl.tar.gz"
      sha256 "@SHA256_x86_64-unknown-linux-musl@"
    end
  end

  # Astronomer's Go CLI installs a binary of the same name.
  conflicts_with "astronomer/tap/astro", because: "both install an `astro` binary"

  def install
    bin.install "astro"
  end

  test do
    assert_match "astro #{version} (", shell_output("#{bin}/astro --version")
  end
end
