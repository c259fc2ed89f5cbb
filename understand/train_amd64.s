#include "textflag.h"

// A feature is 8 bytes: idx uint32 at 0, val float32 at 4. A row of w is
// stride (12) float32, 48 bytes.

// func dotRowsSSE2(w []float32, f []feature, z *[stride]float64)
TEXT ·dotRowsSSE2(SB), NOSPLIT, $0-56
	MOVQ w_base+0(FP), SI
	MOVQ f_base+24(FP), DI
	MOVQ f_len+32(FP), CX
	MOVQ z+48(FP), DX
	MOVUPD 0(DX), X0
	MOVUPD 16(DX), X1
	MOVUPD 32(DX), X2
	MOVUPD 48(DX), X3
	MOVUPD 64(DX), X4
	MOVUPD 80(DX), X5
	TESTQ CX, CX
	JEQ sdotdone

sdotloop:
	MOVL 0(DI), AX
	IMULQ $48, AX
	ADDQ SI, AX
	// X6 = the feature's value as float64, in both lanes
	MOVSS 4(DI), X6
	CVTSS2SD X6, X6
	UNPCKLPD X6, X6
	// z[2i:2i+2] += value * float64(row[2i:2i+2])
	CVTPS2PD 0(AX), X7
	MULPD X6, X7
	ADDPD X7, X0
	CVTPS2PD 8(AX), X8
	MULPD X6, X8
	ADDPD X8, X1
	CVTPS2PD 16(AX), X9
	MULPD X6, X9
	ADDPD X9, X2
	CVTPS2PD 24(AX), X10
	MULPD X6, X10
	ADDPD X10, X3
	CVTPS2PD 32(AX), X11
	MULPD X6, X11
	ADDPD X11, X4
	CVTPS2PD 40(AX), X12
	MULPD X6, X12
	ADDPD X12, X5
	ADDQ $8, DI
	DECQ CX
	JNZ sdotloop

sdotdone:
	MOVUPD X0, 0(DX)
	MOVUPD X1, 16(DX)
	MOVUPD X2, 32(DX)
	MOVUPD X3, 48(DX)
	MOVUPD X4, 64(DX)
	MOVUPD X5, 80(DX)
	RET

// func updateRowsSSE2(w []float32, f []feature, grad *[stride]float32, on *[stride]uint32, l2 float32)
TEXT ·updateRowsSSE2(SB), NOSPLIT, $0-68
	MOVQ w_base+0(FP), SI
	MOVQ f_base+24(FP), DI
	MOVQ f_len+32(FP), CX
	MOVQ grad+48(FP), DX
	MOVQ on+56(FP), BX
	MOVSS l2+64(FP), X14
	SHUFPS $0x00, X14, X14
	MOVUPS 0(DX), X0
	MOVUPS 16(DX), X1
	MOVUPS 32(DX), X2
	MOVUPS 0(BX), X3
	MOVUPS 16(BX), X4
	MOVUPS 32(BX), X5
	TESTQ CX, CX
	JEQ supdone

suploop:
	MOVL 0(DI), AX
	IMULQ $48, AX
	ADDQ SI, AX
	// X6 = the feature's value in all four lanes
	MOVSS 4(DI), X6
	SHUFPS $0x00, X6, X6
	// row[4i:4i+4] -= (g*value + l2*row) where on, 0 elsewhere
	MOVUPS 0(AX), X7
	MOVAPS X0, X8
	MULPS X6, X8
	MOVAPS X14, X9
	MULPS X7, X9
	ADDPS X9, X8
	ANDPS X3, X8
	SUBPS X8, X7
	MOVUPS X7, 0(AX)
	MOVUPS 16(AX), X7
	MOVAPS X1, X8
	MULPS X6, X8
	MOVAPS X14, X9
	MULPS X7, X9
	ADDPS X9, X8
	ANDPS X4, X8
	SUBPS X8, X7
	MOVUPS X7, 16(AX)
	MOVUPS 32(AX), X7
	MOVAPS X2, X8
	MULPS X6, X8
	MOVAPS X14, X9
	MULPS X7, X9
	ADDPS X9, X8
	ANDPS X5, X8
	SUBPS X8, X7
	MOVUPS X7, 32(AX)
	ADDQ $8, DI
	DECQ CX
	JNZ suploop

supdone:
	RET

// The same with AVX2: four lanes of float64, eight of float32.

// func updateRowsAVX2(w []float32, f []feature, grad *[stride]float32, on *[stride]uint32, l2 float32)
TEXT ·updateRowsAVX2(SB), NOSPLIT, $0-68
	MOVQ w_base+0(FP), SI
	MOVQ f_base+24(FP), DI
	MOVQ f_len+32(FP), CX
	MOVQ grad+48(FP), DX
	MOVQ on+56(FP), BX
	VBROADCASTSS l2+64(FP), Y14
	VMOVUPS 0(DX), Y0
	VMOVUPS 32(DX), X1
	VMOVUPS 0(BX), Y3
	VMOVUPS 32(BX), X4
	TESTQ CX, CX
	JEQ vupdone

vuploop:
	MOVL 0(DI), AX
	IMULQ $48, AX
	ADDQ SI, AX
	VBROADCASTSS 4(DI), Y6
	// row[0:8] -= (g*value + l2*row) where on, 0 elsewhere
	VMOVUPS 0(AX), Y7
	VMULPS Y6, Y0, Y8
	VMULPS Y7, Y14, Y9
	VADDPS Y9, Y8, Y8
	VANDPS Y3, Y8, Y8
	VSUBPS Y8, Y7, Y7
	VMOVUPS Y7, 0(AX)
	// row[8:12] the same
	VMOVUPS 32(AX), X7
	VMULPS X6, X1, X8
	VMULPS X7, X14, X9
	VADDPS X9, X8, X8
	VANDPS X4, X8, X8
	VSUBPS X8, X7, X7
	VMOVUPS X7, 32(AX)
	ADDQ $8, DI
	DECQ CX
	JNZ vuploop

vupdone:
	VZEROUPPER
	RET

// func prefetchRows(w []float32, f []feature)
TEXT ·prefetchRows(SB), NOSPLIT, $0-48
	MOVQ w_base+0(FP), SI
	MOVQ f_base+24(FP), DI
	MOVQ f_len+32(FP), CX
	TESTQ CX, CX
	JEQ predone

preloop:
	MOVL 0(DI), AX
	IMULQ $48, AX
	ADDQ SI, AX
	PREFETCHT0 0(AX)
	PREFETCHT0 47(AX)
	ADDQ $8, DI
	DECQ CX
	JNZ preloop

predone:
	RET

// func prefetchFeatures(f []feature)
TEXT ·prefetchFeatures(SB), NOSPLIT, $0-24
	MOVQ f_base+0(FP), DI
	MOVQ f_len+8(FP), CX
	SHLQ $3, CX
	ADDQ DI, CX
	// From the line of the first feature to that of the last, one
	// prefetch a line (64 bytes).
	ANDQ $-64, DI

featloop:
	CMPQ DI, CX
	JAE featdone
	PREFETCHT0 0(DI)
	ADDQ $64, DI
	JMP featloop

featdone:
	RET

// func dotRowsNextAVX2(w []float32, f []feature, next []feature, z *[stride]float64)
// is dotRows that also prefetches the rows of next (as prefetchRows), one
// with each feature of f and the rest after: the prefetches go out while
// the sums wait on their additions, instead of in a loop of their own.
TEXT ·dotRowsNextAVX2(SB), NOSPLIT, $0-80
	MOVQ w_base+0(FP), SI
	MOVQ f_base+24(FP), DI
	MOVQ f_len+32(FP), CX
	MOVQ next_base+48(FP), R8
	MOVQ next_len+56(FP), R9
	MOVQ z+72(FP), DX
	VMOVUPD 0(DX), Y0
	VMOVUPD 32(DX), Y1
	VMOVUPD 64(DX), Y2
	TESTQ CX, CX
	JEQ ndotdone

ndotloop:
	MOVL 0(DI), AX
	IMULQ $48, AX
	ADDQ SI, AX
	VMOVSS 4(DI), X6
	VCVTSS2SD X6, X6, X6
	VBROADCASTSD X6, Y6
	VCVTPS2PD 0(AX), Y7
	VMULPD Y6, Y7, Y7
	VADDPD Y7, Y0, Y0
	VCVTPS2PD 16(AX), Y8
	VMULPD Y6, Y8, Y8
	VADDPD Y8, Y1, Y1
	VCVTPS2PD 32(AX), Y9
	VMULPD Y6, Y9, Y9
	VADDPD Y9, Y2, Y2
	TESTQ R9, R9
	JEQ ndotnext
	MOVL 0(R8), BX
	IMULQ $48, BX
	ADDQ SI, BX
	PREFETCHT0 0(BX)
	PREFETCHT0 47(BX)
	ADDQ $8, R8
	DECQ R9

ndotnext:
	ADDQ $8, DI
	DECQ CX
	JNZ ndotloop

ndotdone:
	VMOVUPD Y0, 0(DX)
	VMOVUPD Y1, 32(DX)
	VMOVUPD Y2, 64(DX)
	VZEROUPPER

nrest:
	TESTQ R9, R9
	JEQ nreturn
	MOVL 0(R8), BX
	IMULQ $48, BX
	ADDQ SI, BX
	PREFETCHT0 0(BX)
	PREFETCHT0 47(BX)
	ADDQ $8, R8
	DECQ R9
	JMP nrest

nreturn:
	RET

// expFMA computes math.Exp of four lanes at a time with the operations of
// the FMA path of the math package's assembly (exp_amd64.s), in the same
// order, so that each lane is math.Exp's to the bit for -700 < x <= 0
// (where no lane needs its special cases: the argument is finite, the
// result neither overflows nor is subnormal).

DATA expc<>+0(SB)/8, $1.4426950408889634073599246810018920 // LOG2E
DATA expc<>+8(SB)/8, $0.69314718055966295651160180568695068359375 // LN2U
DATA expc<>+16(SB)/8, $0.28235290563031577122588448175013436025525412068e-12 // LN2L
DATA expc<>+24(SB)/8, $0.0625
DATA expc<>+32(SB)/8, $2.4801587301587301587e-5
DATA expc<>+40(SB)/8, $1.9841269841269841270e-4
DATA expc<>+48(SB)/8, $1.3888888888888888889e-3
DATA expc<>+56(SB)/8, $8.3333333333333333333e-3
DATA expc<>+64(SB)/8, $4.1666666666666666667e-2
DATA expc<>+72(SB)/8, $1.6666666666666666667e-1
DATA expc<>+80(SB)/8, $0.5
DATA expc<>+88(SB)/8, $1.0
DATA expc<>+96(SB)/8, $2.0
DATA expc<>+104(SB)/8, $0x3ff
GLOBL expc<>+0(SB), RODATA, $112

// func expFMA(x *[stride]float64)
TEXT ·expFMA(SB), NOSPLIT, $0-8
	MOVQ x+0(FP), DI
	VBROADCASTSD expc<>+0(SB), Y15
	VBROADCASTSD expc<>+8(SB), Y14
	VBROADCASTSD expc<>+16(SB), Y13
	VBROADCASTSD expc<>+24(SB), Y12
	VBROADCASTSD expc<>+96(SB), Y11
	VBROADCASTSD expc<>+88(SB), Y10
	VPBROADCASTQ expc<>+104(SB), Y9
	MOVQ $3, CX

exploop:
	VMOVUPD 0(DI), Y0
	// n = round(x*LOG2E), x -= n*LN2U, x -= n*LN2L, x /= 16
	VMULPD Y15, Y0, Y1
	VCVTPD2DQY Y1, X2
	VCVTDQ2PD X2, Y1
	VFNMADD231PD Y14, Y1, Y0
	VFNMADD231PD Y13, Y1, Y0
	VMULPD Y12, Y0, Y0
	// the Taylor series
	VBROADCASTSD expc<>+32(SB), Y1
	VBROADCASTSD expc<>+40(SB), Y3
	VFMADD213PD Y3, Y0, Y1
	VBROADCASTSD expc<>+48(SB), Y3
	VFMADD213PD Y3, Y0, Y1
	VBROADCASTSD expc<>+56(SB), Y3
	VFMADD213PD Y3, Y0, Y1
	VBROADCASTSD expc<>+64(SB), Y3
	VFMADD213PD Y3, Y0, Y1
	VBROADCASTSD expc<>+72(SB), Y3
	VFMADD213PD Y3, Y0, Y1
	VBROADCASTSD expc<>+80(SB), Y3
	VFMADD213PD Y3, Y0, Y1
	VFMADD213PD Y10, Y0, Y1
	VMULPD Y1, Y0, Y0
	// squared back four times: x = x*(x+2), the last plus one
	VADDPD Y11, Y0, Y1
	VMULPD Y1, Y0, Y0
	VADDPD Y11, Y0, Y1
	VMULPD Y1, Y0, Y0
	VADDPD Y11, Y0, Y1
	VMULPD Y1, Y0, Y0
	VADDPD Y11, Y0, Y1
	VFMADD213PD Y10, Y1, Y0
	// times 2**n
	VPMOVSXDQ X2, Y3
	VPADDQ Y9, Y3, Y3
	VPSLLQ $52, Y3, Y3
	VMULPD Y3, Y0, Y0
	VMOVUPD Y0, 0(DI)
	ADDQ $32, DI
	DECQ CX
	JNZ exploop
	VZEROUPPER
	RET
