using System;

namespace Cosmos.Runtime.Crypto
{
    /// <summary>
    /// HMAC (FIPS 198-1) over any <see cref="DigestAlgorithm"/>: H((K0 ⊕ opad) ‖ H((K0 ⊕ ipad) ‖ text)), K0 the key
    /// hashed when longer than the block and zero-padded to it. The keyed starting states are kept so that
    /// <see cref="Reset"/> needs no key. Reference-free, so it can live in platform-layer memory and be copied by assignment.
    /// </summary>
    public struct Hmac
    {
        private Digest _inner, _innerStart, _outerStart;

        /// <summary>The digest algorithm.</summary>
        public DigestAlgorithm Algorithm => _innerStart.Algorithm;

        /// <summary>Keys the MAC (FIPS 198-1 §4 steps 1–6) and starts a message.</summary>
        public unsafe void Initialize(DigestAlgorithm algorithm, ReadOnlySpan<byte> key)
        {
            int block = Digest.BlockSize(algorithm);
            Span<byte> k0 = stackalloc byte[Digest.MaxBlockSizeInBytes];
            k0 = k0.Slice(0, block);
            k0.Clear();
            if (key.Length > block)
            {
                Digest d = default;
                d.Initialize(algorithm);
                d.Append(key);
                d.Finish(k0);
            }
            else key.CopyTo(k0);
            Span<byte> pad = stackalloc byte[Digest.MaxBlockSizeInBytes];
            pad = pad.Slice(0, block);
            for (int i = 0; i < block; i++) pad[i] = (byte)(k0[i] ^ 0x36);
            _innerStart.Initialize(algorithm);
            _innerStart.Append(pad);
            for (int i = 0; i < block; i++) pad[i] = (byte)(k0[i] ^ 0x5c);
            _outerStart.Initialize(algorithm);
            _outerStart.Append(pad);
            k0.Clear();
            pad.Clear();
            _inner = _innerStart;
        }

        /// <summary>Starts a new message with the same key.</summary>
        public void Reset() => _inner = _innerStart;

        /// <summary>Appends message bytes.</summary>
        public void Append(ReadOnlySpan<byte> data) => _inner.Append(data);

        /// <summary>Writes the MAC of the message so far and returns its length; the state keeps running (<see cref="Finish"/> without spending).</summary>
        public int Current(Span<byte> mac)
        {
            Hmac copy = this;
            return copy.Finish(mac);
        }

        /// <summary>Writes the MAC and returns its length; call <see cref="Reset"/> before the next message.</summary>
        public int Finish(Span<byte> mac)
        {
            Span<byte> innerHash = stackalloc byte[Digest.MaxHashSizeInBytes];
            int n = _inner.Finish(innerHash);
            Digest outer = _outerStart;
            outer.Append(innerHash.Slice(0, n));
            return outer.Finish(mac);
        }
    }
}
