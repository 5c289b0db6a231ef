// Textured quad for the image: 4 vertices (triangle strip) generated from gl_VertexID, no vertex buffers.
// u_ndc_rect: the image's corners in normalized device coordinates (x0, y0 = top-left, x1, y1 = bottom-right).
// v_texel: position in texels of the uploaded texture (0..u_tex_size), y down like the image.
uniform vec4 u_ndc_rect;
uniform vec2 u_tex_size;
out vec2 v_texel;

void main() {
    vec2 corner = vec2(float(gl_VertexID & 1), float(gl_VertexID >> 1));
    v_texel = corner * u_tex_size;
    gl_Position = vec4(mix(u_ndc_rect.xy, u_ndc_rect.zw, corner), 0.0, 1.0);
}
