using XSharp;
using static XSharp.Reg;

namespace Cosmos.Runtime.Amd64
{
    /// <summary>
    /// Exports for the native shims of System.Security.Cryptography, SslStream and QUIC (OpenSSL:
    /// libSystem.Security.Cryptography.Native.OpenSsl, "CryptoNative_*") and of Negotiate/NTLM/Kerberos authentication
    /// (GSSAPI: libSystem.Net.Security.Native, "NetSecurityNative_*"). The kernel has no backend for either yet
    /// (issue #11), so that assemblies which merely reference them (HttpClient does, for https and authentication) link,
    /// and so that any call fails fast: each export <c>name</c> is
    /// <code>
    /// name:  lea rdi, [rel name_str]      ; the export's own name, NUL-terminated, in .rodata
    ///        jmp cosmos_missing_native_backend
    /// </code>
    /// and <see cref="MissingBackendPanic.Report"/> panics with "&lt;name&gt;: … have no kernel backend (issue #11)".
    /// The jump keeps the caller's return address, so the panic's stack is the P/Invoke stub's.
    /// <see cref="CryptoNativeExports"/> and <see cref="NetSecurityNativeExports"/> list the names: with the MD5/SHA/HMAC
    /// exports of Pal/Crypto/CryptoNative.Digests.cs (<see cref="CryptoNative.Implemented"/>) they are every entry point the
    /// 10.0.12 runtime pack's System.Security.Cryptography, System.Net.Security and System.Net.Quic import from those two
    /// libraries (Tests/Cosmos.Runtime.Tests MissingBackendExportTests checks they are exactly that set).
    /// </summary>
    public sealed class MissingCryptoBackend : AsmProgram
    {
        /// <summary>The managed panic every stub jumps to (<see cref="MissingBackendPanic.Report"/>), with the export's name in RDI.</summary>
        public const string PanicSymbol = "cosmos_missing_native_backend";

        /// <inheritdoc/>
        public override string Name => "missing_crypto_backend";

        /// <inheritdoc/>
        public override void Emit(Assembler a)
        {
            a.Extern(PanicSymbol);
            a.Rodata();
            foreach (string name in CryptoNativeExports) { a.Label(name + ".name"); a.Asciz(name); }
            foreach (string name in NetSecurityNativeExports) { a.Label(name + ".name"); a.Asciz(name); }
            a.Text();
            foreach (string name in CryptoNativeExports) EmitStub(a, name);
            foreach (string name in NetSecurityNativeExports) EmitStub(a, name);
        }

        private static void EmitStub(Assembler a, string name)
        {
            a.GlobalFunction(name);
            a.CfiStartProc();
            a.Lea(RDI, Mem.At(new Label(name + ".name")));
            a.Jmp(new Label(PanicSymbol));
            a.CfiEndProc();
        }

        /// <summary>
        /// libSystem.Security.Cryptography.Native.OpenSsl entry points (OpenSSL shim) of the 10.0.12 runtime pack that have
        /// no kernel backend: all of them but the digest and HMAC exports <see cref="CryptoNative"/> implements
        /// (<see cref="CryptoNative.Implemented"/>; together the two lists are the pack's imports).
        /// </summary>
        public static readonly string[] CryptoNativeExports =
        {
            "CryptoNative_Asn1ObjectFree", "CryptoNative_Asn1OctetStringFree", "CryptoNative_Asn1OctetStringNew",
            "CryptoNative_Asn1OctetStringSet", "CryptoNative_BigNumDestroy", "CryptoNative_BigNumToBinary",
            "CryptoNative_BioCtrlPending", "CryptoNative_BioDestroy", "CryptoNative_BioGets", "CryptoNative_BioNewFile",
            "CryptoNative_BioRead", "CryptoNative_BioSeek", "CryptoNative_BioTell", "CryptoNative_BioWrite",
            "CryptoNative_CheckX509Hostname", "CryptoNative_CheckX509IpAddress", "CryptoNative_CreateMemoryBio",
            "CryptoNative_D2IPkcs7Bio", "CryptoNative_DecodeOcspResponse", "CryptoNative_DecodePkcs7",
            "CryptoNative_DecodePkcs8PrivateKey", "CryptoNative_DecodeSubjectPublicKeyInfo", "CryptoNative_DecodeX509",
            "CryptoNative_DecodeX509Crl", "CryptoNative_DsaDestroy", "CryptoNative_DsaGenerateKey",
            "CryptoNative_DsaKeyCreateByExplicitParameters", "CryptoNative_DsaSign", "CryptoNative_DsaSizeP",
            "CryptoNative_DsaSizeQ", "CryptoNative_DsaSizeSignature", "CryptoNative_DsaUpRef", "CryptoNative_DsaVerify",
            "CryptoNative_EcDsaSignHash", "CryptoNative_EcDsaVerifyHash", "CryptoNative_EcKeyCreateByExplicitParameters",
            "CryptoNative_EcKeyCreateByKeyParameters", "CryptoNative_EcKeyCreateByOid", "CryptoNative_EcKeyDestroy",
            "CryptoNative_EcKeyGenerateKey", "CryptoNative_EcKeyGetCurveName2", "CryptoNative_EcKeyGetSize",
            "CryptoNative_EcKeyUpRef", "CryptoNative_EnableMemoryTracking", "CryptoNative_EncodeAsn1Integer",
            "CryptoNative_EncodeOcspRequest", "CryptoNative_EncodePkcs7", "CryptoNative_EncodePkcs8PrivateKey",
            "CryptoNative_EncodeSubjectPublicKeyInfo", "CryptoNative_EncodeX509", "CryptoNative_EncodeX509SubjectPublicKeyInfo",
            "CryptoNative_EnsureLibSslInitialized", "CryptoNative_ErrClearError",
            "CryptoNative_ErrErrorStringN", "CryptoNative_ErrGetExceptionError", "CryptoNative_ErrPeekError",
            "CryptoNative_ErrPeekLastError", "CryptoNative_ErrReasonErrorString", "CryptoNative_EvpAes128Cbc",
            "CryptoNative_EvpAes128Ccm", "CryptoNative_EvpAes128Cfb128", "CryptoNative_EvpAes128Cfb8",
            "CryptoNative_EvpAes128Ecb", "CryptoNative_EvpAes128Gcm", "CryptoNative_EvpAes192Cbc", "CryptoNative_EvpAes192Ccm",
            "CryptoNative_EvpAes192Cfb128", "CryptoNative_EvpAes192Cfb8", "CryptoNative_EvpAes192Ecb",
            "CryptoNative_EvpAes192Gcm", "CryptoNative_EvpAes256Cbc", "CryptoNative_EvpAes256Ccm", "CryptoNative_EvpAes256Cfb128",
            "CryptoNative_EvpAes256Cfb8", "CryptoNative_EvpAes256Ecb", "CryptoNative_EvpAes256Gcm",
            "CryptoNative_EvpChaCha20Poly1305", "CryptoNative_EvpCipherCreate2", "CryptoNative_EvpCipherCreatePartial",
            "CryptoNative_EvpCipherCtxSetPadding", "CryptoNative_EvpCipherDestroy", "CryptoNative_EvpCipherFinalEx",
            "CryptoNative_EvpCipherGetAeadTag", "CryptoNative_EvpCipherGetCcmTag", "CryptoNative_EvpCipherGetGcmTag",
            "CryptoNative_EvpCipherReset", "CryptoNative_EvpCipherSetAeadTag", "CryptoNative_EvpCipherSetCcmNonceLength",
            "CryptoNative_EvpCipherSetCcmTag", "CryptoNative_EvpCipherSetGcmNonceLength", "CryptoNative_EvpCipherSetGcmTag",
            "CryptoNative_EvpCipherSetKeyAndIV", "CryptoNative_EvpCipherUpdate", "CryptoNative_EvpDes3Cbc",
            "CryptoNative_EvpDes3Cfb64", "CryptoNative_EvpDes3Cfb8", "CryptoNative_EvpDes3Ecb", "CryptoNative_EvpDesCbc",
            "CryptoNative_EvpDesCfb8", "CryptoNative_EvpDesEcb", "CryptoNative_EvpDigestCurrentXOF",
            "CryptoNative_EvpDigestFinalXOF", "CryptoNative_EvpDigestSqueeze", "CryptoNative_EvpDigestXOFOneShot",
            "CryptoNative_EvpKdfFetch", "CryptoNative_EvpKdfFree", "CryptoNative_EvpKemAvailable",
            "CryptoNative_EvpKemDecapsulate", "CryptoNative_EvpKemEncapsulate", "CryptoNative_EvpKemExportDecapsulationKey",
            "CryptoNative_EvpKemExportEncapsulationKey", "CryptoNative_EvpKemExportPrivateSeed",
            "CryptoNative_EvpKemGeneratePkey", "CryptoNative_EvpKemGetPalId", "CryptoNative_EvpMacCtxDup",
            "CryptoNative_EvpMacCtxFree", "CryptoNative_EvpMacCtxNew", "CryptoNative_EvpMacCurrent", "CryptoNative_EvpMacFetch",
            "CryptoNative_EvpMacFinal", "CryptoNative_EvpMacFree", "CryptoNative_EvpMacInit", "CryptoNative_EvpMacOneShot",
            "CryptoNative_EvpMacReset", "CryptoNative_EvpMacUpdate", "CryptoNative_EvpPKeyBits", "CryptoNative_EvpPKeyCreateRsa",
            "CryptoNative_EvpPKeyDeriveSecretAgreement", "CryptoNative_EvpPKeyFamily", "CryptoNative_EvpPKeyFromData",
            "CryptoNative_EvpPKeyGetEcCurveParameters", "CryptoNative_EvpPKeyGetEcGroupNid",
            "CryptoNative_EvpPKeyGetEcKeyParameters", "CryptoNative_EvpPKeyType", "CryptoNative_EvpPkeyCreate",
            "CryptoNative_EvpPkeyDestroy", "CryptoNative_EvpPkeyGetDsa", "CryptoNative_EvpPkeyGetEcKey",
            "CryptoNative_EvpPkeySetDsa", "CryptoNative_EvpPkeySetEcKey", "CryptoNative_EvpRC2Cbc", "CryptoNative_EvpRC2Ecb",
            "CryptoNative_EvpSha3_256", "CryptoNative_EvpSha3_384", "CryptoNative_EvpSha3_512", "CryptoNative_EvpShake128",
            "CryptoNative_EvpShake256", "CryptoNative_ForEachTrackedAllocation", "CryptoNative_GetAsn1IntegerDerSize",
            "CryptoNative_GetAsn1StringBytes", "CryptoNative_GetBigNumBytes", "CryptoNative_GetDefaultSignatureAlgorithms",
            "CryptoNative_GetDsaParameters", "CryptoNative_GetECCurveParameters", "CryptoNative_GetECKeyParameters",
            "CryptoNative_GetMemoryBioSize", "CryptoNative_GetMemoryUse", "CryptoNative_GetObjectDefinitionByName",
            "CryptoNative_GetOcspRequestDerSize", "CryptoNative_GetOpenSslCipherSuiteName", "CryptoNative_GetPkcs7Certificates",
            "CryptoNative_GetPkcs7DerSize", "CryptoNative_GetPkcs8PrivateKeySize", "CryptoNative_GetRandomBytes",
            "CryptoNative_GetSubjectPublicKeyInfoSize", "CryptoNative_GetX509CrlNextUpdate", "CryptoNative_GetX509DerSize",
            "CryptoNative_GetX509EvpPublicKey", "CryptoNative_GetX509NameInfo", "CryptoNative_GetX509NameRawBytes",
            "CryptoNative_GetX509NameStackField", "CryptoNative_GetX509NameStackFieldCount", "CryptoNative_GetX509NotAfter",
            "CryptoNative_GetX509NotBefore", "CryptoNative_GetX509PublicKeyAlgorithm", "CryptoNative_GetX509PublicKeyBytes",
            "CryptoNative_GetX509PublicKeyParameterBytes", "CryptoNative_GetX509RootStoreFile",
            "CryptoNative_GetX509RootStorePath", "CryptoNative_GetX509SignatureAlgorithm", "CryptoNative_GetX509StackField",
            "CryptoNative_GetX509StackFieldCount", "CryptoNative_GetX509SubjectPublicKeyInfoDerSize",
            "CryptoNative_GetX509Thumbprint", "CryptoNative_GetX509Version", "CryptoNative_HkdfDeriveKey",
            "CryptoNative_HkdfExpand", "CryptoNative_HkdfExtract", "CryptoNative_IsSignatureAlgorithmAvailable",
            "CryptoNative_IsSslRenegotiatePending", "CryptoNative_IsSslStateOK", "CryptoNative_KbkdfHmacOneShot",
            "CryptoNative_LoadKeyFromProvider", "CryptoNative_LoadPrivateKeyFromEngine", "CryptoNative_LoadPublicKeyFromEngine",
            "CryptoNative_LookupFriendlyNameByOid", "CryptoNative_MLDsaExportPublicKey", "CryptoNative_MLDsaExportSecretKey",
            "CryptoNative_MLDsaExportSeed", "CryptoNative_MLDsaGenerateKey", "CryptoNative_MLDsaGetPalId",
            "CryptoNative_MLDsaSignExternalMu", "CryptoNative_MLDsaSignPreEncoded", "CryptoNative_MLDsaSignPure",
            "CryptoNative_MLDsaVerifyExternalMu", "CryptoNative_MLDsaVerifyPreEncoded", "CryptoNative_MLDsaVerifyPure",
            "CryptoNative_NewX509Stack", "CryptoNative_ObjNid2Obj", "CryptoNative_ObjObj2Txt", "CryptoNative_ObjTxt2Nid",
            "CryptoNative_ObjTxt2Obj", "CryptoNative_OcspRequestDestroy", "CryptoNative_OcspResponseDestroy",
            "CryptoNative_OpenSslAvailable", "CryptoNative_OpenSslVersionNumber", "CryptoNative_Pbkdf2",
            "CryptoNative_PemReadBioPkcs7", "CryptoNative_PemReadBioX509Crl", "CryptoNative_PemReadX509FromBio",
            "CryptoNative_PemReadX509FromBioAux", "CryptoNative_PemWriteBioX509Crl",
            "CryptoNative_Pkcs7CreateCertificateCollection", "CryptoNative_Pkcs7Destroy", "CryptoNative_PushX509StackField",
            "CryptoNative_ReadX509AsDerFromBio", "CryptoNative_RecursiveFreeX509Stack", "CryptoNative_RegisterLegacyAlgorithms",
            "CryptoNative_RsaDecrypt", "CryptoNative_RsaEncrypt", "CryptoNative_RsaGenerateKey", "CryptoNative_RsaSignHash",
            "CryptoNative_RsaVerifyHash", "CryptoNative_SlhDsaExportPublicKey", "CryptoNative_SlhDsaExportSecretKey",
            "CryptoNative_SlhDsaGenerateKey", "CryptoNative_SlhDsaGetPalId", "CryptoNative_SlhDsaSignPreEncoded",
            "CryptoNative_SlhDsaSignPure", "CryptoNative_SlhDsaVerifyPreEncoded", "CryptoNative_SlhDsaVerifyPure",
            "CryptoNative_SslAddClientCAs", "CryptoNative_SslAddExtraChainCert", "CryptoNative_SslCreate",
            "CryptoNative_SslCtxAddExtraChainCert", "CryptoNative_SslCtxCheckPrivateKey", "CryptoNative_SslCtxCreate",
            "CryptoNative_SslCtxDestroy", "CryptoNative_SslCtxGetData", "CryptoNative_SslCtxRemoveSession",
            "CryptoNative_SslCtxSetAlpnSelectCb", "CryptoNative_SslCtxSetCaching", "CryptoNative_SslCtxSetCiphers",
            "CryptoNative_SslCtxSetData", "CryptoNative_SslCtxSetDefaultOcspCallback", "CryptoNative_SslCtxSetEncryptionPolicy",
            "CryptoNative_SslCtxSetKeylogCallback", "CryptoNative_SslCtxSetProtocolOptions",
            "CryptoNative_SslCtxSetQuietShutdown", "CryptoNative_SslCtxUseCertificate", "CryptoNative_SslCtxUsePrivateKey",
            "CryptoNative_SslDestroy", "CryptoNative_SslDoHandshake", "CryptoNative_SslGet0AlpnSelected",
            "CryptoNative_SslGetCertificate", "CryptoNative_SslGetClientCAList", "CryptoNative_SslGetCurrentCipherId",
            "CryptoNative_SslGetData", "CryptoNative_SslGetError", "CryptoNative_SslGetFinished",
            "CryptoNative_SslGetPeerCertChain", "CryptoNative_SslGetPeerCertificate", "CryptoNative_SslGetPeerFinished",
            "CryptoNative_SslGetServerName", "CryptoNative_SslGetSession", "CryptoNative_SslGetVersion", "CryptoNative_SslRead",
            "CryptoNative_SslRenegotiate", "CryptoNative_SslSessionFree", "CryptoNative_SslSessionGetData",
            "CryptoNative_SslSessionGetHostname", "CryptoNative_SslSessionReused", "CryptoNative_SslSessionSetData",
            "CryptoNative_SslSessionSetHostname", "CryptoNative_SslSetAcceptState", "CryptoNative_SslSetAlpnProtos",
            "CryptoNative_SslSetBio", "CryptoNative_SslSetClientCertCallback", "CryptoNative_SslSetClientSigalgs",
            "CryptoNative_SslSetConnectState", "CryptoNative_SslSetData", "CryptoNative_SslSetPostHandshakeAuth",
            "CryptoNative_SslSetQuietShutdown", "CryptoNative_SslSetSession", "CryptoNative_SslSetSigalgs",
            "CryptoNative_SslSetTlsExtHostName", "CryptoNative_SslSetVerifyPeer", "CryptoNative_SslShutdown",
            "CryptoNative_SslStapleOcsp", "CryptoNative_SslUseCertificate", "CryptoNative_SslUsePrivateKey",
            "CryptoNative_SslV2_3Method", "CryptoNative_SslWrite", "CryptoNative_Tls13Supported", "CryptoNative_UpRefEvpPkey",
            "CryptoNative_X509BuildOcspRequest", "CryptoNative_X509ChainBuildOcspRequest",
            "CryptoNative_X509ChainGetCachedOcspStatus", "CryptoNative_X509ChainHasStapledOcsp", "CryptoNative_X509ChainNew",
            "CryptoNative_X509ChainVerifyOcsp", "CryptoNative_X509CheckPurpose", "CryptoNative_X509CrlDestroy",
            "CryptoNative_X509DecodeOcspToExpiration", "CryptoNative_X509Destroy", "CryptoNative_X509ExtensionCreateByObj",
            "CryptoNative_X509ExtensionDestroy", "CryptoNative_X509ExtensionGetCritical", "CryptoNative_X509ExtensionGetData",
            "CryptoNative_X509ExtensionGetOid", "CryptoNative_X509FindExtensionData", "CryptoNative_X509GetExt",
            "CryptoNative_X509GetExtCount", "CryptoNative_X509GetIssuerName", "CryptoNative_X509GetSerialNumber",
            "CryptoNative_X509GetSubjectName", "CryptoNative_X509IssuerNameHash", "CryptoNative_X509StackAddDirectoryStore",
            "CryptoNative_X509StackAddMultiple", "CryptoNative_X509StoreAddCrl", "CryptoNative_X509StoreCtxCommitToChain",
            "CryptoNative_X509StoreCtxCreate", "CryptoNative_X509StoreCtxDestroy", "CryptoNative_X509StoreCtxGetAppData",
            "CryptoNative_X509StoreCtxGetChain", "CryptoNative_X509StoreCtxGetCurrentCert", "CryptoNative_X509StoreCtxGetError",
            "CryptoNative_X509StoreCtxGetErrorDepth", "CryptoNative_X509StoreCtxGetSharedUntrusted",
            "CryptoNative_X509StoreCtxInit", "CryptoNative_X509StoreCtxRebuildChain", "CryptoNative_X509StoreCtxReset",
            "CryptoNative_X509StoreCtxResetForSignatureError", "CryptoNative_X509StoreCtxSetVerifyCallback",
            "CryptoNative_X509StoreDestroy", "CryptoNative_X509StoreSetRevocationFlag", "CryptoNative_X509StoreSetVerifyTime",
            "CryptoNative_X509UpRef", "CryptoNative_X509V3ExtPrint", "CryptoNative_X509VerifyCert",
            "CryptoNative_X509VerifyCertErrorString",
        };

        /// <summary>libSystem.Net.Security.Native entry points (GSSAPI shim) of the 10.0.12 runtime pack.</summary>
        public static readonly string[] NetSecurityNativeExports =
        {
            "NetSecurityNative_AcceptSecContext", "NetSecurityNative_AcquireAcceptorCred", "NetSecurityNative_DeleteSecContext",
            "NetSecurityNative_DisplayMajorStatus", "NetSecurityNative_DisplayMinorStatus", "NetSecurityNative_EnsureGssInitialized",
            "NetSecurityNative_GetMic", "NetSecurityNative_GetUser", "NetSecurityNative_ImportPrincipalName",
            "NetSecurityNative_ImportUserName", "NetSecurityNative_InitSecContext", "NetSecurityNative_InitSecContextEx",
            "NetSecurityNative_InitiateCredSpNego", "NetSecurityNative_InitiateCredWithPassword", "NetSecurityNative_IsNtlmInstalled",
            "NetSecurityNative_ReleaseCred", "NetSecurityNative_ReleaseGssBuffer", "NetSecurityNative_ReleaseName",
            "NetSecurityNative_Unwrap", "NetSecurityNative_VerifyMic", "NetSecurityNative_Wrap",
        };
    }
}
