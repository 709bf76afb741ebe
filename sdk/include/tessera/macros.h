/* Export and calling-convention macros shared by every Tessera ABI header. */
#ifndef TESSERA_MACROS_H
#define TESSERA_MACROS_H

/* Marks the one symbol a plugin exports (tessera_plugin_entry). */
#if defined(_WIN32)
#define TESSERA_EXPORT __declspec(dllexport)
#elif defined(__GNUC__)
#define TESSERA_EXPORT __attribute__((visibility("default")))
#else
#define TESSERA_EXPORT
#endif

/* Calling convention of every function pointer in the ABI. */
#if defined(_WIN32)
#define TESSERA_ABI __cdecl
#else
#define TESSERA_ABI
#endif

#ifdef __cplusplus
#define TESSERA_EXTERN_C_BEGIN extern "C" {
#define TESSERA_EXTERN_C_END }
#else
#define TESSERA_EXTERN_C_BEGIN
#define TESSERA_EXTERN_C_END
#endif

#endif /* TESSERA_MACROS_H */
