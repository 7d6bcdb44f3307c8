import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { Role, ROLES } from '../../common/auth/roles';
import { CursorPageQueryDto } from '../../common/pagination/page-query.dto';

export class ListUsersQuery extends CursorPageQueryDto {
  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES, { message: `must be one of ${ROLES.join(', ')}` })
  role?: Role;

  @ApiPropertyOptional({ type: Boolean, example: true })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'must be true or false' })
  is_active?: boolean;

  @ApiPropertyOptional({ description: 'Case-insensitive part of the e-mail or full name', example: 'doe' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;
}
