/**
 * The part of libheif-js's embind API (libheif compiled to WebAssembly, the .wasm embedded in the
 * .js) that heif-decode.ts calls. The package's own libheif.d.ts describes the separate-.wasm build
 * and types these results as `any`.
 */
declare module 'libheif-js/libheif-wasm/libheif-bundle.js' {
  /** An embind enum value: compared by identity. */
  type EnumValue = { readonly value: number };
  interface HeifError {
    code: EnumValue;
    message: string;
  }
  interface HeifHandle {
    readonly __brand: 'heif_image_handle';
  }
  interface HeifChannelPlane {
    id: EnumValue;
    width: number;
    height: number;
    stride: number;
    data: Uint8Array;
  }
  interface HeifDecoded {
    width: number;
    height: number;
    channels: HeifChannelPlane[];
  }
  export interface Libheif {
    heif_error_code: { heif_error_Ok: EnumValue };
    heif_colorspace: { heif_colorspace_RGB: EnumValue };
    heif_chroma: { heif_chroma_interleaved_RGB: EnumValue; heif_chroma_interleaved_RGBA: EnumValue };
    heif_channel: { heif_channel_interleaved: EnumValue };
    heif_context_alloc(): object;
    heif_context_read_from_memory(context: object, bytes: Uint8Array): HeifError;
    heif_js_context_get_primary_image_handle(context: object): HeifHandle | HeifError;
    heif_image_handle_get_width(handle: HeifHandle): number;
    heif_image_handle_get_height(handle: HeifHandle): number;
    heif_image_handle_has_alpha_channel(handle: HeifHandle): number;
    heif_js_decode_image2(handle: HeifHandle, colorspace: EnumValue, chroma: EnumValue): HeifDecoded | HeifError;
  }
  /** Instantiates the module synchronously (the .wasm is in the .js): a fresh heap each call. */
  export default function createLibheif(): Libheif;
}
